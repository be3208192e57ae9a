"""The service's settings, read from environment variables once at start-up and checked there.

A project's own settings class derives from `ServiceSettings` (and from `auth.AuthSettings`
when it takes access tokens), adding its own fields and its own defaults (pydantic-settings
reads each field from the variable of its name, upper case). `load_settings(Settings)` reads
them, and raises `ConfigError` with one line for each bad or missing variable.

APP_ENV picks a profile: development, test or production (the default, so that a forgotten
variable fails safe). Production refuses the development defaults.
"""

import importlib
import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy import URL

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
MIN_SECRET_KEY_LENGTH = 32
MAX_WEB_CONCURRENCY = 8
# Read from NAME, or from the file that NAME_FILE names (Docker and Kubernetes secrets).
SECRETS = ("secret_key", "postgres_password")

Profile = Literal["development", "test", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class ConfigError(Exception):
    """One line per bad or missing variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid configuration: " + "; ".join(problems))
        self.problems = problems


class ProfileSettings(BaseSettings):
    """What every part of the settings shares: the profile, and the list of what production
    refuses, to which each part (ServiceSettings, auth.AuthSettings) adds its own lines. A
    project's class derives from the parts it uses: `class Settings(ServiceSettings, AuthSettings)`.
    """

    # An empty variable (METRICS_PORT=) is an unset one: its field keeps its default.
    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", validate_default=True, env_ignore_empty=True
    )

    app_env: Profile = "production"

    @field_validator("app_env", mode="before")
    @classmethod
    def _profile_in_any_case(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def profile(self) -> Profile:
        return self.app_env

    def problems(self, *, database_only: bool = False) -> list[str]:
        """What production refuses; each part adds its own lines to those of the next."""
        return []


class ServiceSettings(ProfileSettings):
    """shallot's settings, the same in every project (the project's docs/settings.md)."""

    secret_key: str = ""
    secret_key_file: Path | None = None
    debug: bool | None = None  # on in development, else off
    log_level: LogLevel = "INFO"
    cors_allowed_origins: Annotated[tuple[str, ...] | None, NoDecode] = None  # development: *
    max_content_length: int = Field(1024 * 1024, ge=1)
    # Prometheus metrics at /metrics; with a port, there only (the server listens on it too).
    metrics_enabled: bool = True
    metrics_port: int = Field(0, ge=0)
    # The server's worker processes: one per CPU and one more, at most MAX_WEB_CONCURRENCY.
    web_concurrency: int | None = Field(None, ge=1)
    reload_on_change: bool = False

    postgres_host: str = "localhost"
    postgres_port: int = Field(5432, ge=1)
    postgres_user: str = "postgres"
    postgres_password: str = ""
    postgres_password_file: Path | None = None
    postgres_db: str = "postgres"
    # Each attempt to connect, and each statement the app runs; past them a request gets 503.
    db_connect_timeout: int = Field(3, ge=1)
    db_statement_timeout: int = Field(10, ge=1)

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_any_case(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        origins = tuple(item.strip().rstrip("/") for item in value.split(",") if item.strip())
        for origin in origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"{origin!r} is not '*' or an origin like https://app.example.com")
        return origins

    @model_validator(mode="after")
    def _profile_defaults(self) -> "ServiceSettings":
        development = self.app_env == "development"
        defaults: dict[str, Any] = {}
        if self.debug is None:
            defaults["debug"] = development
        if self.cors_allowed_origins is None:
            defaults["cors_allowed_origins"] = ("*",) if development else ()
        if self.web_concurrency is None:
            defaults["web_concurrency"] = min(len(os.sched_getaffinity(0)) + 1, MAX_WEB_CONCURRENCY)
        unreadable = []
        for name in SECRETS:
            try:
                value = _secret(name, getattr(self, name), getattr(self, f"{name}_file"))
            except ValueError as error:  # each secret's problem, not only the first's
                unreadable.append(str(error))
                continue
            if not value and self.app_env != "production":
                value = DEVELOPMENT_SECRET_KEY if name == "secret_key" else "postgres"
            defaults[name] = value
        if unreadable:
            raise ValueError("\n".join(unreadable))  # one problem a line
        for name, value in defaults.items():
            object.__setattr__(self, name, value)  # frozen: set once, while it is being built
        return self

    @property
    def database(self) -> "DatabaseSettings":
        return DatabaseSettings(
            url=URL.create(
                "postgresql+psycopg2",
                username=self.postgres_user,
                password=self.postgres_password,
                host=self.postgres_host,
                port=self.postgres_port,
                database=self.postgres_db,
            ),
            connect_timeout=timedelta(seconds=self.db_connect_timeout),
            statement_timeout=timedelta(seconds=self.db_statement_timeout),
        )

    def problems(self, *, database_only: bool = False) -> list[str]:
        return self._service_problems(database_only) + super().problems(database_only=database_only)

    def _service_problems(self, database_only: bool) -> list[str]:
        """What production refuses: the development defaults, and secrets left unset."""
        if self.app_env != "production":
            return []
        found = []
        if not self.postgres_password:
            found.append(_unset("POSTGRES_PASSWORD"))
        if database_only:
            return found
        key = self.secret_key
        if not key:
            found.append(_unset("SECRET_KEY"))
        elif key == DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
            found.append(
                f"SECRET_KEY is the development key or shorter than {MIN_SECRET_KEY_LENGTH}"
                " characters; set a long random one in production."
            )
        if self.debug:
            found.append("DEBUG is on; production must run with DEBUG=false.")
        if "*" in (self.cors_allowed_origins or ()):
            found.append("CORS_ALLOWED_ORIGINS allows '*'; list the exact origins in production.")
        return found


class DatabaseSettings:
    """Where the database is, and how long the app waits on it."""

    def __init__(self, url: URL, connect_timeout: timedelta, statement_timeout: timedelta) -> None:
        self.url = url
        self.connect_timeout = connect_timeout
        self.statement_timeout = statement_timeout


Settings = TypeVar("Settings", bound=ProfileSettings)


def load_settings(settings_class: type[Settings], *, database_only: bool = False) -> Settings:
    """The settings from the environment, or ConfigError naming every bad variable.
    `database_only` checks only what the database's tools need (migrations)."""
    try:
        settings = settings_class()
    except ValidationError as error:
        raise ConfigError([line for each in error.errors() for line in _describe(each)]) from None
    problems = settings.problems(database_only=database_only)
    if problems:
        raise ConfigError(problems)
    return settings


def load_named_settings(target: str, *, database_only: bool = False) -> ServiceSettings:
    """The project's settings class named MODULE:NAME (src.config:Settings), loaded and checked
    as `load_settings` does: what the runtime's commands check before they start."""
    module, _, name = target.partition(":")
    settings_class = getattr(importlib.import_module(module), name, None)
    if not (isinstance(settings_class, type) and issubclass(settings_class, ServiceSettings)):
        raise ConfigError([f"{target} is not a settings class (a ServiceSettings)"])
    return load_settings(settings_class, database_only=database_only)


def _secret(name: str, value: str, path: Path | None) -> str:
    variable = name.upper()
    if path is None:
        return value.strip()
    if value.strip():
        raise ValueError(f"both {variable} and {variable}_FILE are set; set only one.")
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ValueError(
            f"{variable}_FILE={str(path)!r} cannot be read ({error.strerror})."
        ) from None


def _unset(variable: str) -> str:
    return (
        f"{variable} is not set, and production has no default for it;"
        f" set {variable} or {variable}_FILE."
    )


def _describe(error: dict[str, Any]) -> list[str]:
    message = error["msg"].removeprefix("Value error, ").rstrip(".") + "."
    if not error["loc"]:  # the whole model's: the secrets' files, one a line
        return message.splitlines()
    return [f"{str(error['loc'][0]).upper()}={error['input']!r}: {message}"]
