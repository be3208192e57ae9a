"""What a verified access token says about its caller: who (`sub`) and what it may do (the
scopes), and every claim for the project to map to its own domain value."""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from shallot_runtime.auth.errors import InvalidToken

# Where providers put the scopes: `scope`, a space-separated string (RFC 8693, RFC 9068: Auth0,
# Keycloak, Cognito), or `scp` (a list at Okta, a space-separated string at Entra ID).
SCOPE_CLAIMS = ("scope", "scp")


@dataclass(frozen=True)
class Claims:
    subject: str
    scopes: frozenset[str]
    claims: Mapping[str, Any]

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "Claims":
        subject = payload.get("sub")
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("The token names no subject (sub).")
        scopes = frozenset(
            scope for name in SCOPE_CLAIMS if name in payload for scope in _scopes(name, payload)
        )
        return cls(subject, scopes, MappingProxyType(dict(payload)))


def _scopes(name: str, payload: Mapping[str, Any]) -> list[str]:
    value = payload[name]
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [scope for item in value for scope in item.split()]
    raise InvalidToken(f"The token's {name} claim is neither a string nor a list of strings.")
