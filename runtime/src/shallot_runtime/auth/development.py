"""The development issuer: what stands in for a company's identity provider in the development
and test profiles, so that a new project's first call works offline.

Its key is EC P-256 (ES256), made on first use and kept in a JSON file (a private JWK, mode
0600, never overwritten: delete it to make a new one), which the project's stack shares
between `shallot-dev-issuer serve` and `make token` and which is never committed. Its tokens
are RFC 9068 access tokens (`typ: at+jwt`, with `scope`), and it serves only what a resource
server reads: its discovery document and its JWKS.
"""

import base64
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from shallot_runtime.auth.settings import DEV_AUDIENCE, DEV_ISSUER

DEFAULT_KEY_FILE = Path(".shallot/dev-issuer-key.json")
ALGORITHM = "ES256"
JWKS_PATH = "/jwks.json"
CLIENT_ID = "shallot-dev-issuer"


class DevelopmentIssuer:
    def __init__(self, private_key: ec.EllipticCurvePrivateKey, issuer: str = DEV_ISSUER) -> None:
        self.issuer = issuer
        self._private_key = private_key
        public = ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
        self.kid = _thumbprint(public)
        self._public_jwk = {**public, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}

    @classmethod
    def in_memory(cls, issuer: str = DEV_ISSUER) -> "DevelopmentIssuer":
        """An issuer with a new key of its own, kept nowhere: for tests."""
        return cls(ec.generate_private_key(ec.SECP256R1()), issuer)

    @classmethod
    def from_key_file(
        cls, path: Path | str = DEFAULT_KEY_FILE, *, issuer: str = DEV_ISSUER
    ) -> "DevelopmentIssuer":
        """The issuer with the key in `path`, which is made first if there is none. ValueError
        naming the file if it holds something else."""
        path = Path(path)
        if not path.exists():
            _create_key_file(path)
        try:
            key = ECAlgorithm.from_jwk(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, jwt.exceptions.InvalidKeyError) as error:
            raise ValueError(
                f"{path} is not a development issuer's key ({error}); delete it to make a new one"
            ) from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{path} holds a public key; delete it to make a new one")
        return cls(key, issuer)

    def token(
        self,
        subject: str = "alice",
        scopes: Iterable[str] = (),
        ttl: timedelta = timedelta(hours=1),
        audience: str = DEV_AUDIENCE,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed access token; `extra_claims` are added last, and may replace any claim."""
        if ttl <= timedelta(0):
            raise ValueError(f"ttl must be positive, not {ttl}")
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject,
            "aud": audience,
            "client_id": CLIENT_ID,
            "iat": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
        }
        scope = " ".join(scopes)
        if scope:
            claims["scope"] = scope
        claims.update(extra_claims or {})
        return self.sign(claims)

    def sign(self, claims: Mapping[str, Any]) -> str:
        """A token of exactly these claims, signed: for tests of what a verifier refuses."""
        headers = {"kid": self.kid, "typ": "at+jwt"}
        return jwt.encode(dict(claims), self._private_key, algorithm=ALGORITHM, headers=headers)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [dict(self._public_jwk)]}

    def discovery(self) -> dict[str, Any]:
        """What a resource server reads of OpenID Connect Discovery: nothing more is served."""
        return {
            "issuer": self.issuer,
            "jwks_uri": self.issuer.rstrip("/") + JWKS_PATH,
            "id_token_signing_alg_values_supported": [ALGORITHM],
        }


def _create_key_file(path: Path) -> None:
    """A new key in `path`, readable by its owner only; if another process made one first,
    theirs is kept."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    text = json.dumps(ECAlgorithm.to_jwk(key, as_dict=True), indent=2) + "\n"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def _thumbprint(public_jwk: Mapping[str, Any]) -> str:
    """RFC 7638: the key's own name, so that a new key has a new kid."""
    members = {name: public_jwk[name] for name in ("crv", "kty", "x", "y")}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode())
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
