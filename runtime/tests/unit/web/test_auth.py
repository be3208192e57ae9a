"""Access tokens on the routes that require them (`ApiBlueprint.requires`), refused as RFC 6750
says, in the app's error shape; every other route public; the caller in `current_claims()`."""

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from shallot_runtime.auth import (
    DEV_AUDIENCE,
    DEV_ISSUER,
    DevelopmentIssuer,
    InvalidToken,
    KeysUnavailable,
    StaticKeys,
    TokenVerifier,
)
from shallot_runtime.web import ApiBlueprint
from shallot_runtime.web.auth import current_claims, declared_scopes
from tests.support import tokens
from tests.support.secured_app import make_secured_app

CHALLENGE = 'Bearer realm="api"'

ISSUER = DevelopmentIssuer.in_memory()
RSA_KEY, RSA_JWK = tokens.rsa_jwk("rsa-1")
OTHER_EC_KEY = ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def app():
    # The issuer's key, and an RSA key whose algorithm is off this allow-list.
    keys = StaticKeys({"keys": [*ISSUER.jwks()["keys"], RSA_JWK]})
    verifier = TokenVerifier(keys, issuer=DEV_ISSUER, audience=DEV_AUDIENCE, algorithms=["ES256"])
    return make_secured_app(verifier)


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def reader() -> dict:
    return bearer(ISSUER.token(scopes=["notes:read"]))


def test_a_token_with_the_scope_is_served(client):
    response = client.get("/v1/notes", headers=reader())
    assert response.status_code == 200
    assert "WWW-Authenticate" not in response.headers


def test_the_view_reads_the_caller_from_current_claims(client):
    token = ISSUER.token("bob", ["notes:read", "notes:write"])
    response = client.post("/v1/notes", json={"text": "hi"}, headers=bearer(token))
    assert response.status_code == 201
    assert response.json == {"text": "hi", "author": "bob"}


def test_a_route_requiring_no_scope_takes_any_valid_token(client):
    response = client.get("/v1/notes/caller", headers=bearer(ISSUER.token("carol")))
    assert response.status_code == 200
    assert response.json == {"subject": "carol", "scopes": []}
    assert client.get("/v1/notes/caller").status_code == 401


@pytest.mark.parametrize("authorization", [None, "Basic YWxpY2U6c2VjcmV0", "Token abc"])
def test_no_bearer_token_is_401_with_a_bare_challenge(client, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/v1/notes", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    assert response.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer ", "Bearer a b", "Bearer tok€n"])
def test_a_malformed_bearer_header_is_401_invalid_request(client, authorization):
    response = client.get("/v1/notes", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == f'{CHALLENGE}, error="invalid_request"'
    assert response.json["error"]["code"] == "invalid_request"


def now() -> int:
    return tokens.claims()["iat"]


REFUSED_TOKENS = {
    "expired": (
        lambda: ISSUER.sign(tokens.claims(exp=now() - 60)),
        "The token has expired.",
    ),
    "not yet valid": (
        lambda: ISSUER.sign(tokens.claims(nbf=now() + 60, scope="notes:read")),
        "The token is not valid yet.",
    ),
    "another issuer": (
        lambda: ISSUER.sign(tokens.claims(iss="https://evil.example")),
        "The token is from another issuer.",
    ),
    "another audience": (
        lambda: ISSUER.token(scopes=["notes:read"], audience="another-api"),
        "The token is for another audience.",
    ),
    "unknown kid": (
        lambda: DevelopmentIssuer.in_memory().token(scopes=["notes:read"]),
        "The token's key (kid) is not one the issuer publishes.",
    ),
    "alg none": (
        lambda: tokens.unsigned(ISSUER.kid, scope="notes:read"),
        "The token's algorithm is not accepted; accepted: ES256.",
    ),
    "HS256 with the public key": (
        lambda: tokens.hmac_signed(ISSUER.kid, tokens.public_key_pem(ISSUER.jwks())),
        "The token's algorithm is not accepted; accepted: ES256.",
    ),
    "tampered payload": (
        lambda: tokens.tampered(ISSUER.token(), scope="notes:read notes:write"),
        "The token's signature does not verify.",
    ),
    "malformed": (lambda: "not.a.jwt", "The token is not a JWT."),
    "alg off the allow-list": (
        lambda: jwt.encode(tokens.claims(), RSA_KEY, algorithm="RS256", headers={"kid": "rsa-1"}),
        "The token's algorithm is not accepted; accepted: ES256.",
    ),
    "alg not the key's": (
        lambda: jwt.encode(
            tokens.claims(), OTHER_EC_KEY, algorithm="ES256", headers={"kid": "rsa-1"}
        ),
        "The token's algorithm is not its key's (RS256).",
    ),
    "no sub": (
        lambda: ISSUER.sign({k: v for k, v in tokens.claims().items() if k != "sub"}),
        "The token has no sub claim.",
    ),
}


@pytest.mark.parametrize("case", REFUSED_TOKENS)
def test_a_refused_token_is_401_invalid_token_with_its_reason(client, case):
    make_token, description = REFUSED_TOKENS[case]
    response = client.get("/v1/notes", headers=bearer(make_token()))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        f'{CHALLENGE}, error="invalid_token", error_description="{description}"'
    )
    assert response.json["error"] == {
        "code": "invalid_token",
        "message": description,
        "details": {},
    }


def test_a_token_without_a_required_scope_is_403_naming_the_scopes(client):
    response = client.post("/v1/notes", json={"text": "hi"}, headers=reader())
    assert response.status_code == 403
    assert response.headers["WWW-Authenticate"] == (
        f'{CHALLENGE}, error="insufficient_scope", scope="notes:read notes:write"'
    )
    assert response.json["error"]["code"] == "insufficient_scope"
    assert response.json["error"]["details"] == {"scopes": ["notes:read", "notes:write"]}


def test_the_token_is_checked_before_the_body(client):
    response = client.post("/v1/notes", json={"nonsense": 1})
    assert response.status_code == 401


def test_the_scheme_is_read_in_any_case(client):
    token = ISSUER.token(scopes=["notes:read"])
    assert client.get("/v1/notes", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_head_requires_the_token_as_get_does(client):
    assert client.head("/v1/notes").status_code == 401
    assert client.head("/v1/notes", headers=reader()).status_code == 200


def test_a_method_views_methods_each_have_their_requirement(client):
    assert client.get("/v1/boards").status_code == 401
    assert client.head("/v1/boards").status_code == 401
    token = ISSUER.token("dave", ["boards:read"])
    assert client.get("/v1/boards", headers=bearer(token)).json["subject"] == "dave"
    assert client.delete("/v1/boards").status_code == 204


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/docs", "/openapi.json", "/v1/things"])
def test_routes_that_require_nothing_stay_public(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.data
    assert "WWW-Authenticate" not in response.headers


def test_a_cors_preflight_needs_no_token():
    keys = StaticKeys(ISSUER.jwks())
    verifier = TokenVerifier(keys, issuer=DEV_ISSUER, audience=DEV_AUDIENCE)
    origin = "https://app.example.com"
    client = make_secured_app(verifier, {"CORS_ALLOWED_ORIGINS": origin}).test_client()
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization",
    }
    response = client.options("/v1/notes", headers=headers)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization"


class UnreachableIssuer:
    def key(self, kid: str):
        raise KeysUnavailable("the issuer's keys cannot be fetched: refused", retry_after=42)


def test_an_issuer_out_of_reach_is_503_with_retry_after_not_the_callers_fault(caplog):
    verifier = TokenVerifier(UnreachableIssuer(), issuer=DEV_ISSUER, audience=DEV_AUDIENCE)
    client = make_secured_app(verifier).test_client()
    response = client.get("/v1/notes", headers=reader())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "42"
    assert "WWW-Authenticate" not in response.headers
    assert response.json["error"]["code"] == "auth_unavailable"
    assert "a token could not be checked: the issuer's keys cannot be fetched" in caplog.text


class QuotingVerifier:
    def verify(self, token: str):
        raise InvalidToken('a "quoted" \\ reason')


def test_a_description_is_kept_to_what_a_quoted_string_may_hold():
    client = make_secured_app(QuotingVerifier()).test_client()
    response = client.get("/v1/notes", headers=bearer("abc"))
    assert response.headers["WWW-Authenticate"].endswith('error_description="a ?quoted? ? reason"')


def test_an_app_without_a_verifier_refuses_every_request_if_a_route_requires_scopes(caplog):
    client = make_secured_app(None).test_client()
    for path in ("/healthz", "/v1/notes"):
        assert client.get(path).status_code == 500
    secured = "boards.Boards, notes.create_note, notes.list_notes, notes.show_caller"
    assert f"routes declare scopes ({secured})" in caplog.text
    assert "pass verifier= to shallot_runtime.web.init_app" in caplog.text


def test_current_claims_outside_a_route_that_requires_scopes_is_an_error(app):
    with app.test_request_context("/v1/things"), pytest.raises(RuntimeError, match="requires"):
        current_claims()


def test_a_scope_with_a_space_or_a_quote_is_refused_when_declared():
    blueprint = ApiBlueprint("bad", __name__)
    for scope in ("two words", 'quo"te', ""):
        with pytest.raises(ValueError, match="is not a scope"):
            blueprint.requires(scope)(lambda: None)


def test_declared_scopes_are_every_scope_the_routes_require(app):
    assert declared_scopes(app) == {"notes:read", "notes:write", "boards:read"}
