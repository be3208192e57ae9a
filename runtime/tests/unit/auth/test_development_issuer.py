"""DevelopmentIssuer: its key made once in a file of its owner's, its tokens, its documents."""

import json
import stat
from datetime import timedelta

import pytest

from shallot_runtime.auth import DEV_ISSUER, DevelopmentIssuer, StaticKeys
from shallot_runtime.auth.development import DEFAULT_KEY_FILE
from shallot_runtime.testing import stand_in_verifier


def test_the_key_is_made_on_first_use_in_a_file_only_its_owner_reads(tmp_path):
    key_file = tmp_path / "state" / "key.json"
    issuer = DevelopmentIssuer.from_key_file(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert json.loads(key_file.read_text())["d"]  # the private key
    assert DevelopmentIssuer.from_key_file(key_file).kid == issuer.kid  # never made again


def test_a_token_of_one_process_verifies_with_the_keys_another_serves(tmp_path):
    key_file = tmp_path / "key.json"
    token = DevelopmentIssuer.from_key_file(key_file).token(scopes=["todos:read"])
    serving = DevelopmentIssuer.from_key_file(key_file)
    assert stand_in_verifier(serving).verify(token).scopes == {"todos:read"}


def test_a_key_file_that_holds_something_else_is_named(tmp_path):
    key_file = tmp_path / "key.json"
    key_file.write_text("{}")
    with pytest.raises(ValueError, match=r"key.json is not a development issuer's key .*delete it"):
        DevelopmentIssuer.from_key_file(key_file)
    key_file.write_text(json.dumps(DevelopmentIssuer.in_memory().jwks()["keys"][0]))
    with pytest.raises(ValueError, match="holds a public key"):
        DevelopmentIssuer.from_key_file(key_file)


def test_the_default_key_file_is_in_the_projects_shallot_folder():
    assert str(DEFAULT_KEY_FILE) == ".shallot/dev-issuer-key.json"


def test_a_token_is_an_rfc_9068_access_token():
    issuer = DevelopmentIssuer.in_memory()
    claims = stand_in_verifier(issuer).verify(issuer.token("bob", ["a", "b"])).claims
    assert claims["iss"] == DEV_ISSUER
    assert claims["scope"] == "a b"
    assert claims["exp"] - claims["iat"] == 3600
    assert {"client_id", "jti"} <= set(claims)


def test_extra_claims_are_added_and_may_replace_any():
    issuer = DevelopmentIssuer.in_memory()
    token = issuer.token(ttl=timedelta(minutes=5), extra_claims={"sub": "carol", "tenant": "t1"})
    claims = stand_in_verifier(issuer).verify(token)
    assert claims.subject == "carol"
    assert claims.claims["tenant"] == "t1"
    assert claims.claims["exp"] - claims.claims["iat"] == 300


def test_a_ttl_must_be_positive():
    with pytest.raises(ValueError, match="ttl must be positive"):
        DevelopmentIssuer.in_memory().token(ttl=timedelta(0))


def test_its_documents_name_the_issuer_and_one_signing_key():
    issuer = DevelopmentIssuer.in_memory("http://127.0.0.1:9000/")
    assert issuer.discovery() == {
        "issuer": "http://127.0.0.1:9000/",
        "jwks_uri": "http://127.0.0.1:9000/jwks.json",
        "id_token_signing_alg_values_supported": ["ES256"],
    }
    (key,) = issuer.jwks()["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")
    assert key["kid"] == issuer.kid
    assert "d" not in key
    StaticKeys(issuer.jwks()).key(issuer.kid)  # PyJWT reads it


def test_a_new_key_has_a_new_kid():
    assert DevelopmentIssuer.in_memory().kid != DevelopmentIssuer.in_memory().kid
