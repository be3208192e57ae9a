"""A body is JSON (else 415), well formed (else 400), within MAX_CONTENT_LENGTH (else 413) and
valid (else 422, keyed by field): the rules of the runtime's request parser, which the runtime
answers in the app's error shape."""

import io

import pytest

from tests.support.web_app import error_of, make_web_app

LIMIT = 1000
# A chunked body as gunicorn hands it over: no length, and the stream ends where the body does.
CHUNKED = {
    "headers": {"Transfer-Encoding": "chunked"},
    "environ_overrides": {"wsgi.input_terminated": True},
}


@pytest.fixture
def client():
    return make_web_app({"MAX_CONTENT_LENGTH": str(LIMIT)}).test_client()


def test_a_valid_body_is_loaded(client):
    response = client.post("/v1/things", json={"name": "first"})
    assert (response.status_code, response.json) == (201, {"name": "first"})


def test_malformed_json_is_400(client):
    response = client.post("/v1/things", data="{nope", content_type="application/json")
    error = error_of(response, 400, "bad_request")
    assert error["message"] == "The body is not valid JSON."


def test_a_body_that_is_not_json_is_415(client):
    response = client.post("/v1/things", data="name=x", content_type="text/plain")
    error = error_of(response, 415, "unsupported_media_type")
    assert "Content-Type: application/json" in error["message"]


def test_a_body_over_the_limit_is_413(client):
    response = client.post("/v1/things", json={"name": "x" * 2000})
    assert error_of(response, 413, "payload_too_large")["details"] == {"max_bytes": LIMIT}


def test_a_chunked_body_over_the_limit_is_413_not_cut_to_the_limit(client):
    padded = b'{"name": "x"}' + b" " * 2000  # valid JSON if cut at the limit
    response = client.post(
        "/v1/things", input_stream=io.BytesIO(padded), content_type="application/json", **CHUNKED
    )
    assert response.request.content_length is None
    assert error_of(response, 413, "payload_too_large")["details"] == {"max_bytes": LIMIT}


def test_a_chunked_body_of_exactly_the_limit_is_read_whole(client):
    exact = b'{"name": "x"}'.ljust(LIMIT)
    response = client.post(
        "/v1/things", input_stream=io.BytesIO(exact), content_type="application/json", **CHUNKED
    )
    assert response.status_code == 201, response.json


def test_a_chunked_body_within_the_limit_is_read_whole(client):
    response = client.post(
        "/v1/things",
        input_stream=io.BytesIO(b'{"name": "chunked"}'),
        content_type="application/json",
        **CHUNKED,
    )
    assert (response.status_code, response.json) == (201, {"name": "chunked"})


def test_a_body_nginx_refused_for_its_size_is_413(client):
    # nginx passes the request on without its body, marked (the runtime's nginx.conf).
    response = client.post(
        "/v1/things", content_type="application/json", headers={"X-Body-Over-Limit": "1"}
    )
    assert error_of(response, 413, "payload_too_large")["details"] == {"max_bytes": LIMIT}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x" * 21}, "name"),
        ({"name": "a", "b": 1}, "b"),
    ],
)
def test_validation_errors_are_422_keyed_by_field(client, body, field):
    error = error_of(client.post("/v1/things", json=body), 422, "validation_error")
    assert list(error["details"]) == [field]


def test_a_json_body_that_is_not_an_object_is_422(client):
    error_of(client.post("/v1/things", json=["name"]), 422, "validation_error")


def test_the_rules_hold_for_every_route_that_loads_a_body(client):
    client.post("/v1/things", json={"name": "first"})
    response = client.patch("/v1/things/1", data="name=x", content_type="text/plain")
    error_of(response, 415, "unsupported_media_type")
    response = client.patch("/v1/things/1", json={"name": "second"})
    assert (response.status_code, response.json) == (200, {"name": "second"})
