"""Every response carries a request id and the security headers; no cookie session is kept."""

import logging
import re

import pytest
from flask import session

from shallot_runtime.web.requests import SECURITY_HEADERS
from tests.support.web_app import make_web_app


@pytest.fixture
def client():
    return make_web_app().test_client()


def test_a_valid_incoming_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123.X_y:z"})
    assert response.headers["X-Request-ID"] == "abc-123.X_y:z"


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Request-ID": "a" * 129}, {"X-Request-ID": "bad id<script>"}, {"X-Request-ID": ""}],
)
def test_an_id_is_generated_when_missing_or_unsafe(client, headers):
    request_id = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_responses_carry_the_security_headers(client):
    response = client.get("/healthz")
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_error_responses_carry_the_id_and_the_security_headers_too(client):
    response = client.get("/nowhere", headers={"X-Request-ID": "r1"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "r1"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_id_of_an_unexpected_error_is_the_one_the_response_carries(client, caplog):
    app = client.application

    @app.get("/test-only/boom")
    def boom():
        raise RuntimeError("secret internals")

    with caplog.at_level(logging.ERROR, logger="tests.support.web_app"):
        response = client.get("/test-only/boom", headers={"X-Request-ID": "req-123"})
    assert (response.status_code, response.json["error"]["details"]) == (
        500,
        {"request_id": "req-123"},
    )
    assert "secret internals" not in response.get_data(as_text=True)
    (record,) = caplog.records
    assert "req-123" in record.getMessage()
    assert "secret internals" in str(record.exc_info[1])


def test_no_session_cookie_is_read_or_set(client):
    client.set_cookie("session", "anything")
    response = client.get("/healthz")
    assert (response.status_code, response.headers.get("Set-Cookie")) == (200, None)


def test_writing_to_the_session_is_an_error(client, caplog):
    app = client.application

    @app.get("/test-only/remember")
    def remember():
        session["user"] = "someone"
        return "stored"

    with caplog.at_level(logging.ERROR, logger="tests.support.web_app"):
        response = client.get("/test-only/remember")
    assert (response.status_code, response.headers.get("Set-Cookie")) == (500, None)
    (record,) = caplog.records
    assert record.exc_info[0] is RuntimeError
    assert "session is unavailable" in str(record.exc_info[1])
