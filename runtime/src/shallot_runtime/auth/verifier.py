"""An access token checked: PyJWT does the JOSE, this says what is required of a token.

A token is accepted when its header's algorithm is on the allow-list and is its key's, its key
is the issuer's (by kid), its signature verifies, and it has `exp`, `iss`, `aud` and `sub`,
with `iss` the issuer, `aud` the audience (or holding it), and `exp`, `nbf` and `iat` right
within `leeway` seconds. Anything else is `InvalidToken`; `KeysUnavailable` when the issuer's
keys cannot be had. A token accepted once is accepted again from `VerifiedTokens` (verified.py)
until its `exp`, for at most five minutes, without checking its signature again, as long as the
issuer still publishes its key.
"""

import base64
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import jwt
from jwt import exceptions

from shallot_runtime.auth.claims import Claims
from shallot_runtime.auth.errors import InvalidToken, UnknownKey
from shallot_runtime.auth.keys import IssuerKeys, KeySource
from shallot_runtime.auth.settings import ACCEPTED_ALGORITHMS, DEFAULT_ALGORITHMS
from shallot_runtime.auth.verified import VerifiedTokens

if TYPE_CHECKING:
    from shallot_runtime.auth.settings import AuthSettings

REQUIRED_CLAIMS = ("exp", "iss", "aud", "sub")
# What the caller is told, by PyJWT's refusal; subclasses before their parents.
DESCRIPTIONS: tuple[tuple[type[exceptions.PyJWTError], str], ...] = (
    (exceptions.ExpiredSignatureError, "The token has expired."),
    (exceptions.ImmatureSignatureError, "The token is not valid yet."),
    (exceptions.InvalidIssuerError, "The token is from another issuer."),
    (exceptions.InvalidAudienceError, "The token is for another audience."),
    (exceptions.InvalidSignatureError, "The token's signature does not verify."),
    (exceptions.InvalidAlgorithmError, "The token's algorithm is not accepted."),
    (exceptions.DecodeError, "The token is malformed."),
)


class TokenVerifier:
    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
        leeway: float = 30,
        verified: VerifiedTokens | None = None,
    ) -> None:
        self.algorithms = tuple(algorithms)
        refused = [name for name in self.algorithms if name not in ACCEPTED_ALGORITHMS]
        if refused or not self.algorithms:
            accepted = ", ".join(ACCEPTED_ALGORITHMS)
            raise ValueError(f"algorithms {refused or '(none)'} refused; accepted: {accepted}")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.verified = verified if verified is not None else VerifiedTokens()

    @classmethod
    def from_settings(cls, settings: "AuthSettings") -> "TokenVerifier":
        """The verifier of the settings' issuer, its keys fetched on the first token."""
        if settings.auth_issuer is None or settings.auth_audience is None:
            raise ValueError("AUTH_ISSUER and AUTH_AUDIENCE are needed to check tokens")
        keys = IssuerKeys(
            settings.auth_issuer,
            min_refresh=settings.auth_jwks_min_refresh,
            ttl=settings.auth_jwks_ttl,
            timeout=settings.auth_timeout,
        )
        return cls(
            keys,
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            algorithms=settings.auth_algorithms,
            leeway=settings.auth_leeway,
        )

    def verify(self, token: str) -> Claims:
        found = self.verified.get(token)
        if found is not None:
            claims, kid = found
            try:
                self.keys.key(kid)
            except UnknownKey:  # the issuer withdrew it: check the token again, and refuse it
                self.verified.forget(token)
            else:
                return claims
        claims, kid = self._check(token)
        self.verified.keep(token, claims, kid)
        return claims

    def _check(self, token: str) -> tuple[Claims, str]:
        header = _unverified_header(token)
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise InvalidToken(
                f"The token's algorithm is not accepted; accepted: {', '.join(self.algorithms)}."
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("The token's header names no key (kid).")
        try:
            key = self.keys.key(kid)
        except UnknownKey:
            raise InvalidToken("The token's key (kid) is not one the issuer publishes.") from None
        if key.algorithm_name != algorithm:
            raise InvalidToken(f"The token's algorithm is not its key's ({key.algorithm_name}).")
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except exceptions.MissingRequiredClaimError as error:
            raise InvalidToken(f"The token has no {error.claim} claim.") from None
        except exceptions.PyJWTError as error:
            raise InvalidToken(_description(error)) from None
        return Claims.from_payload(payload), kid


def _unverified_header(token: str) -> dict[str, Any]:
    """The header, read only to choose the key: PyJWT reads it again, strictly, with the rest.
    (jwt.get_unverified_header decodes the whole token, a fifth of a check's time.)"""
    segment = token.partition(".")[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, RecursionError):  # binascii.Error and UnicodeDecodeError among them
        raise InvalidToken("The token is not a JWT.") from None
    if not isinstance(header, dict):
        raise InvalidToken("The token is not a JWT.")
    return header


def _description(error: exceptions.PyJWTError) -> str:
    for error_class, description in DESCRIPTIONS:
        if isinstance(error, error_class):
            return description
    return "The token is not valid."
