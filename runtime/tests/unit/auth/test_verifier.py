"""TokenVerifier: what it accepts, and each token it refuses with the reason the caller reads."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from shallot_runtime.auth import (
    DEV_AUDIENCE,
    DEV_ISSUER,
    DevelopmentIssuer,
    InvalidToken,
    StaticKeys,
    TokenVerifier,
)
from tests.support import tokens


@pytest.fixture(scope="module")
def issuer():
    return DevelopmentIssuer.in_memory()


@pytest.fixture(scope="module")
def verifier(issuer):
    return TokenVerifier(StaticKeys(issuer.jwks()), issuer=DEV_ISSUER, audience=DEV_AUDIENCE)


def refusal(verifier, token) -> str:
    with pytest.raises(InvalidToken) as refused:
        verifier.verify(token)
    return refused.value.description


def test_a_good_token_gives_its_subject_scopes_and_claims(issuer, verifier):
    claims = verifier.verify(
        issuer.token("bob", ["todos:read", "todos:write"], audience=DEV_AUDIENCE)
    )
    assert claims.subject == "bob"
    assert claims.scopes == {"todos:read", "todos:write"}
    assert claims.claims["iss"] == DEV_ISSUER
    with pytest.raises(TypeError):
        claims.claims["sub"] = "mallory"  # read-only


# The changes, from the time the test runs (not the time it was collected: a long suite runs
# it minutes later).
@pytest.mark.parametrize(
    ("changes", "description"),
    [
        (lambda now: {"exp": now - 60}, "The token has expired."),
        (lambda now: {"nbf": now + 60}, "The token is not valid yet."),
        (lambda now: {"iat": now + 60}, "The token is not valid yet."),
        (lambda now: {"iss": "https://evil.example"}, "The token is from another issuer."),
        (lambda now: {"aud": "another-api"}, "The token is for another audience."),
        (lambda now: {"aud": ["another-api", "a-third"]}, "The token is for another audience."),
    ],
)
def test_claims_out_of_bounds_are_refused(issuer, verifier, changes, description):
    token = issuer.sign(tokens.claims(**changes(int(time.time()))))
    assert refusal(verifier, token) == description


def test_the_leeway_forgives_a_little_clock_skew(issuer, verifier):
    now = tokens.claims()["iat"]
    assert verifier.verify(issuer.sign(tokens.claims(exp=now - 20, nbf=now + 20))).subject


def test_an_audience_among_several_is_enough(issuer, verifier):
    assert verifier.verify(issuer.sign(tokens.claims(aud=["other", DEV_AUDIENCE])))


@pytest.mark.parametrize("claim", ["exp", "iss", "aud", "sub"])
def test_each_required_claim_must_be_there(issuer, verifier, claim):
    token = issuer.sign({k: v for k, v in tokens.claims().items() if k != claim})
    assert refusal(verifier, token) == f"The token has no {claim} claim."


def test_a_token_by_a_key_the_issuer_does_not_publish_is_refused(verifier):
    stranger = DevelopmentIssuer.in_memory()  # same issuer's name, another key
    token = stranger.token(audience=DEV_AUDIENCE)
    assert refusal(verifier, token) == "The token's key (kid) is not one the issuer publishes."


def test_an_unsigned_token_is_refused(issuer, verifier):
    description = refusal(verifier, tokens.unsigned(issuer.kid))
    assert description == "The token's algorithm is not accepted; accepted: RS256, ES256."


def test_hmac_signed_with_the_public_key_is_refused(issuer, verifier):
    token = tokens.hmac_signed(issuer.kid, tokens.public_key_pem(issuer.jwks()))
    assert refusal(verifier, token).startswith("The token's algorithm is not accepted")


def test_a_payload_changed_after_signing_is_refused(issuer, verifier):
    token = tokens.tampered(issuer.token(scopes=["todos:read"]), scope="todos:read admin")
    assert refusal(verifier, token) == "The token's signature does not verify."


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "a.b", "W10.e30.e30"])
def test_what_is_not_a_jwt_is_refused(verifier, token):
    assert refusal(verifier, token) in ("The token is not a JWT.", "The token is malformed.")


def test_a_header_without_kid_is_refused(issuer, verifier):
    token = jwt.encode(tokens.claims(), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")
    assert refusal(verifier, token) == "The token's header names no key (kid)."


def test_an_algorithm_off_the_allow_list_is_refused_even_with_the_right_key(issuer):
    key, jwk = tokens.rsa_jwk("rsa-1")
    only_ec = TokenVerifier(
        StaticKeys({"keys": [jwk]}), issuer=DEV_ISSUER, audience=DEV_AUDIENCE, algorithms=["ES256"]
    )
    token = jwt.encode(tokens.claims(), key, algorithm="RS256", headers={"kid": "rsa-1"})
    assert refusal(only_ec, token) == "The token's algorithm is not accepted; accepted: ES256."


def test_a_token_whose_algorithm_is_not_its_keys_is_refused():
    _key, jwk = tokens.rsa_jwk("shared-kid")
    verifier = TokenVerifier(StaticKeys({"keys": [jwk]}), issuer=DEV_ISSUER, audience=DEV_AUDIENCE)
    # Signed with an EC key, under the kid of an RSA key.
    ec_key = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(tokens.claims(), ec_key, algorithm="ES256", headers={"kid": "shared-kid"})
    assert refusal(verifier, token) == "The token's algorithm is not its key's (RS256)."


def test_rsa_tokens_are_accepted_by_default():
    key, jwk = tokens.rsa_jwk("rsa-1")
    verifier = TokenVerifier(StaticKeys({"keys": [jwk]}), issuer=DEV_ISSUER, audience=DEV_AUDIENCE)
    token = jwt.encode(tokens.claims(), key, algorithm="RS256", headers={"kid": "rsa-1"})
    assert verifier.verify(token).subject == "alice"


@pytest.mark.parametrize(
    ("scope_claims", "scopes"),
    [
        ({"scope": "todos:read  todos:write"}, {"todos:read", "todos:write"}),  # RFC 9068
        ({"scp": ["todos:read", "todos:write"]}, {"todos:read", "todos:write"}),  # Okta
        ({"scp": "todos:read todos:write"}, {"todos:read", "todos:write"}),  # Entra ID
        ({"scope": "a", "scp": ["b"]}, {"a", "b"}),
        ({}, set()),
    ],
)
def test_scopes_come_from_scope_or_scp(issuer, verifier, scope_claims, scopes):
    assert verifier.verify(issuer.sign(tokens.claims(**scope_claims))).scopes == scopes


@pytest.mark.parametrize("value", [42, ["a", 1], {"a": True}])
def test_a_scope_claim_of_another_shape_is_refused(issuer, verifier, value):
    description = refusal(verifier, issuer.sign(tokens.claims(scp=value)))
    assert description == "The token's scp claim is neither a string nor a list of strings."


def test_an_empty_subject_is_refused(issuer, verifier):
    assert refusal(verifier, issuer.sign(tokens.claims(sub=""))) == (
        "The token names no subject (sub)."
    )


@pytest.mark.parametrize("algorithms", [["none"], ["HS256"], ["RS256", "HS512"], []])
def test_a_verifier_refuses_to_accept_unsigned_or_shared_secret_algorithms(issuer, algorithms):
    with pytest.raises(ValueError, match="refused"):
        TokenVerifier(
            StaticKeys(issuer.jwks()), issuer=DEV_ISSUER, audience=DEV_AUDIENCE,
            algorithms=algorithms,
        )  # fmt: skip


def test_a_jwks_without_signing_keys_is_refused():
    with pytest.raises(ValueError, match="no usable keys"):
        StaticKeys({"keys": []})
    symmetric = {"kty": "oct", "k": "c2VjcmV0", "kid": "s"}
    with pytest.raises(ValueError, match="no public signing key"):
        StaticKeys({"keys": [symmetric]})
