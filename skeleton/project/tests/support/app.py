"""Apps for tests: a test-profile config, and an app wired to fakes."""

from collections.abc import Mapping

from flask import Flask
from shallot_runtime.testing import FixedReadiness, stand_in_operations

from src.config import Config, load_config
from src.create_app import create_app
from src.dependency_container import Container
from src.services.todo_service import TodoService
from tests.support.fakes import FakeUnitOfWork, FixedClock


def make_config(environ: Mapping[str, str] | None = None) -> Config:
    return load_config({"APP_ENV": "test", **(environ or {})})


def make_fake_app(environ: Mapping[str, str] | None = None, ready: bool = True) -> Flask:
    """The app on fakes, and on the shallot runtime's stand-ins (no window, no database)."""
    clock = FixedClock()
    work = FakeUnitOfWork()
    container = Container(
        todo_service=TodoService(lambda: work, clock),
        operations=stand_in_operations(readiness=FixedReadiness(ready), clock=clock),
    )
    return create_app(make_config(environ), container)
