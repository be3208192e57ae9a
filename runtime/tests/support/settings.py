"""A project's settings class, as a generated project's src/config.py declares one: shallot's
settings with the project's own defaults, and a field of its own."""

from shallot_runtime.auth import AuthSettings
from shallot_runtime.settings import ServiceSettings


class ProjectSettings(ServiceSettings):
    postgres_port: int = 5433
    page_size: int = 50


class AuthProjectSettings(ServiceSettings, AuthSettings):
    """A project that takes access tokens: shallot's settings and AUTH_*."""

    page_size: int = 50
