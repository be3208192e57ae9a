"""AUTH_*: where access tokens come from and how they are checked, a part of the settings that
a project takes when its routes ask for tokens: `class Settings(ServiceSettings, AuthSettings)`.

In development and test the issuer is the development issuer of the project's stack (the
compose service `issuer`, `shallot-dev-issuer serve`) and the audience its fixed one. Production
has no default for either, and takes its tokens from an https issuer only: the development
issuer (http) cannot be left in by mistake.
"""

from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from shallot_runtime.settings import ProfileSettings

DEV_ISSUER = "http://issuer:9000"  # the compose service's name and port
DEV_AUDIENCE = "shallot-dev"
# Asymmetric only: the service holds public keys, so that it cannot mint what it accepts. No
# `none` (unsigned), no HS* (a shared secret, and the hole of HMAC signed with a public key).
ACCEPTED_ALGORITHMS = (
    *("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    *("ES256", "ES384", "ES512", "EdDSA"),
)
DEFAULT_ALGORITHMS = ("RS256", "ES256")


class AuthSettings(ProfileSettings):
    auth_issuer: str | None = None  # the `iss` of the tokens; its discovery document says the rest
    auth_audience: str | None = None  # the `aud` they must carry: this API's identifier
    auth_algorithms: Annotated[tuple[str, ...], NoDecode] = DEFAULT_ALGORITHMS
    auth_leeway: int = Field(30, ge=0)  # seconds of clock skew allowed on exp, nbf and iat
    # The issuer's keys: fetched again after `ttl` seconds, or on a token by a key they do not
    # hold, but then at most once every `min_refresh` seconds (rotation works; made-up kids do
    # not hammer the issuer). Each fetch waits `timeout` seconds at most.
    auth_jwks_ttl: int = Field(3600, ge=1)
    auth_jwks_min_refresh: int = Field(60, ge=1)
    auth_timeout: int = Field(3, ge=1)

    @field_validator("auth_issuer", "auth_audience", mode="before")
    @classmethod
    def _stripped(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("auth_issuer")
    @classmethod
    def _issuer_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "not an issuer URL like https://login.example.com/tenant (the iss of the tokens)"
            )
        return value

    @field_validator("auth_algorithms", mode="before")
    @classmethod
    def _algorithms(cls, value: Any) -> Any:
        if isinstance(value, str):
            names = value.replace(",", " ").split()
        elif isinstance(value, list | tuple):
            names = [str(name) for name in value]
        else:
            return value
        if not names:
            raise ValueError("list at least one algorithm, such as RS256")
        by_name = {name.lower(): name for name in ACCEPTED_ALGORITHMS}
        for name in names:
            if name.lower() not in by_name:
                raise ValueError(_refusal(name))
        return tuple(by_name[name.lower()] for name in names)

    @model_validator(mode="after")
    def _development_issuer(self) -> "AuthSettings":
        if self.app_env != "production":
            # frozen: set once, while it is being built
            object.__setattr__(self, "auth_issuer", self.auth_issuer or DEV_ISSUER)
            object.__setattr__(self, "auth_audience", self.auth_audience or DEV_AUDIENCE)
        return self

    def problems(self, *, database_only: bool = False) -> list[str]:
        found = super().problems(database_only=database_only)
        if self.app_env != "production" or database_only:
            return found
        if self.auth_issuer is None:
            found.append(
                "AUTH_ISSUER is not set, and production has no default for it; set it to your"
                " identity provider's issuer URL (the iss of its access tokens)."
            )
        elif urlsplit(self.auth_issuer).scheme != "https":
            found.append(
                f"AUTH_ISSUER={self.auth_issuer!r} is not https; production takes tokens from an"
                " https issuer only (the development issuer is http)."
            )
        if self.auth_audience is None:
            found.append(
                "AUTH_AUDIENCE is not set, and production has no default for it; set it to this"
                " API's identifier at the identity provider (the aud of its access tokens)."
            )
        return found


def _refusal(name: str) -> str:
    accepted = ", ".join(ACCEPTED_ALGORITHMS)
    if name.lower() == "none":
        return f"'none' accepts unsigned tokens; list signing algorithms among {accepted}"
    if name.upper().startswith("HS"):
        return (
            f"{name} is signed with a shared secret, which a service that only checks tokens"
            f" must not hold; list asymmetric algorithms among {accepted}"
        )
    return f"{name!r} is not one of {accepted}"
