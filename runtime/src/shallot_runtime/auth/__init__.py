"""Access tokens: what a resource server needs to accept JWTs from any OpenID Connect issuer,
and a development issuer that makes them offline. No Flask here: `shallot_runtime.web.auth`
puts it on the routes.

    settings = load_settings(Settings)                 # Settings(ServiceSettings, AuthSettings)
    verifier = TokenVerifier.from_settings(settings)   # the issuer's keys, discovered and cached
    claims = verifier.verify(token)                    # Claims, or InvalidToken / KeysUnavailable
"""

from shallot_runtime.auth.claims import Claims
from shallot_runtime.auth.development import DevelopmentIssuer
from shallot_runtime.auth.errors import InvalidToken, KeysUnavailable, UnknownKey
from shallot_runtime.auth.keys import IssuerKeys, KeySource, StaticKeys
from shallot_runtime.auth.settings import (
    ACCEPTED_ALGORITHMS,
    DEV_AUDIENCE,
    DEV_ISSUER,
    AuthSettings,
)
from shallot_runtime.auth.verifier import TokenVerifier

__all__ = [
    "ACCEPTED_ALGORITHMS",
    "DEV_AUDIENCE",
    "DEV_ISSUER",
    "AuthSettings",
    "Claims",
    "DevelopmentIssuer",
    "InvalidToken",
    "IssuerKeys",
    "KeySource",
    "KeysUnavailable",
    "StaticKeys",
    "TokenVerifier",
    "UnknownKey",
]
