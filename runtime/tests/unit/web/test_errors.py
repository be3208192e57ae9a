"""The errors that are not the app's own, answered by the runtime in the app's error shape."""

import logging

import pytest
from flask import abort, redirect
from sqlalchemy.exc import IntegrityError

from tests.support.web_app import error_of, make_web_app


class Refused(Exception):
    """An error of the app's own domain."""


@pytest.fixture
def app():
    app = make_web_app()

    @app.get("/test-only/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/test-only/database-bug")
    def database_bug():
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    @app.get("/test-only/moved")
    def moved():
        return redirect("/v1/things")

    @app.get("/test-only/refused")
    def refused():
        raise Refused("no")

    return app


def test_an_unknown_route_is_404(app):
    error_of(app.test_client().get("/nowhere"), 404, "not_found")
    error_of(app.test_client().get("/v1/things/not-a-number"), 404, "not_found")


def test_a_wrong_method_is_405_with_allow(app):
    response = app.test_client().put("/v1/things/1", json={})
    error = error_of(response, 405, "method_not_allowed")
    assert "PATCH" in response.headers["Allow"]
    assert "PATCH" in error["details"]["allowed_methods"]


def test_a_status_without_a_slug_of_its_own_gets_one_from_its_name(app):
    @app.get("/test-only/busy")
    def busy():
        abort(429)

    error_of(app.test_client().get("/test-only/busy"), 429, "too_many_requests")


def test_a_redirect_is_not_an_error(app):
    response = app.test_client().get("/test-only/moved")
    assert (response.status_code, response.headers["Location"]) == (302, "/v1/things")


def test_an_unexpected_error_is_500_with_the_request_id_and_is_logged(app, caplog):
    with caplog.at_level(logging.ERROR, logger="shallot_runtime.web.errors"):
        response = app.test_client().get("/test-only/boom", headers={"X-Request-ID": "req-123"})
    error = error_of(response, 500, "internal_error")
    assert error["details"] == {"request_id": "req-123"}
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "secret internals" in caplog.text and "req-123" in caplog.text


def test_a_database_error_other_than_unavailability_is_a_500(app, caplog):
    with caplog.at_level(logging.ERROR, logger="shallot_runtime.web.errors"):
        response = app.test_client().get("/test-only/database-bug")
    error_of(response, 500, "internal_error")
    assert "Retry-After" not in response.headers


def test_the_apps_own_handlers_answer_its_own_errors(app):
    app.register_error_handler(Refused, lambda error: ({"refused": str(error)}, 409))
    response = app.test_client().get("/test-only/refused")
    assert (response.status_code, response.json) == (409, {"refused": "no"})
