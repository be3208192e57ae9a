"""CORS, for the origins on the allow-list only; every response varies on Origin."""

import pytest

from tests.support.web_app import make_web_app

ALLOWED = "https://app.example.com"


@pytest.fixture
def client():
    return make_web_app({"CORS_ALLOWED_ORIGINS": ALLOWED}).test_client()


def preflight(client, origin, method="POST"):
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "Content-Type, X-Request-ID",
    }
    return client.options("/v1/things", headers=headers)


def test_an_allowed_origin_gets_access(client):
    response = client.get("/v1/things", headers={"Origin": ALLOWED})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert exposed == "WWW-Authenticate, X-Request-ID"
    assert "Origin" in response.headers["Vary"]


def test_an_allowed_preflight_is_answered(client):
    response = preflight(client, ALLOWED, "PATCH")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Allow-Methods"] == "DELETE, GET, PATCH, POST"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type, X-Request-ID"
    assert response.headers["Access-Control-Max-Age"] == "600"


def test_a_preflight_may_ask_to_send_an_access_token(client):
    headers = {
        "Origin": ALLOWED,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization",
    }
    response = client.options("/v1/things", headers=headers)
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization"


def test_other_origins_get_no_access(client):
    for response in (
        client.get("/v1/things", headers={"Origin": "https://evil.example"}),
        preflight(client, "https://evil.example"),
    ):
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Origin" in response.headers["Vary"]


def test_other_methods_get_no_access(client):
    assert "Access-Control-Allow-Methods" not in preflight(client, ALLOWED, "PUT").headers


def test_a_request_without_origin_gets_no_cors_headers(client):
    response = client.get("/v1/things")
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Origin" in response.headers["Vary"]


def test_errors_carry_the_cors_headers_too(client):
    response = client.post("/v1/things", json={}, headers={"Origin": ALLOWED})
    assert response.status_code == 422
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_a_wildcard_allows_any_origin():
    client = make_web_app({"CORS_ALLOWED_ORIGINS": "*"}).test_client()
    response = client.get("/v1/things", headers={"Origin": "https://any.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Origin" in response.headers["Vary"]


def test_no_allow_list_allows_no_origin():
    client = make_web_app({"CORS_ALLOWED_ORIGINS": ""}).test_client()
    response = client.get("/v1/things", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Vary" not in response.headers
