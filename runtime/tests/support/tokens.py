"""Tokens that a verifier must refuse, made by hand where PyJWT would not make them: unsigned,
signed with HMAC on a public key, changed after signing."""

import base64
import hashlib
import hmac
import json
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWK
from jwt.algorithms import RSAAlgorithm

from shallot_runtime.auth import DEV_AUDIENCE, DEV_ISSUER


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(document: dict) -> str:
    return b64(json.dumps(document).encode())


def claims(**changes: object) -> dict:
    """What a good token of the development issuer says, with `changes`."""
    now = int(time.time())
    good = {"iss": DEV_ISSUER, "aud": DEV_AUDIENCE, "sub": "alice", "iat": now, "exp": now + 600}
    return {**good, **changes}


def unsigned(kid: str, **changes: object) -> str:
    """alg none: the signature left empty."""
    return f"{segment({'alg': 'none', 'kid': kid})}.{segment(claims(**changes))}."


def hmac_signed(kid: str, secret: bytes, **changes: object) -> str:
    """HS256 with `secret`: the attack signs with the bytes of the issuer's public key."""
    signing_input = f"{segment({'alg': 'HS256', 'kid': kid})}.{segment(claims(**changes))}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def tampered(token: str, **changes: object) -> str:
    """The token with its payload changed, and the signature left as it was."""
    header, payload, signature = token.split(".")
    padded = payload + "=" * (-len(payload) % 4)
    document = json.loads(base64.urlsafe_b64decode(padded))
    return f"{header}.{segment({**document, **changes})}.{signature}"


def public_key_pem(jwks: dict) -> bytes:
    """The PEM of a JWKS's first key: what an attacker would HMAC with."""
    key = PyJWK(jwks["keys"][0]).key
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def rsa_jwk(kid: str) -> tuple[rsa.RSAPrivateKey, dict]:
    """An RSA key and its public JWK (no alg: RS256 by its kty)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key, {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid}
