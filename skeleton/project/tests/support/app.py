"""Apps for tests: test-profile settings, and an app wired to fakes."""

import os
from collections.abc import Mapping
from unittest import mock

from flask import Flask
from shallot_runtime.testing import FixedReadiness, stand_in_operations

from src.config import Settings, load
from src.create_app import create_app
from src.dependency_container import wire
from tests.support.fakes import FakeUnitOfWork, FixedClock


def make_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The test profile's settings, with `environ` in place of the process's environment."""
    with mock.patch.dict(os.environ, {"APP_ENV": "test", **(environ or {})}, clear=True):
        return load()


def make_fake_app(environ: Mapping[str, str] | None = None, ready: bool = True) -> Flask:
    """The app on fakes, and on the shallot runtime's stand-ins (no window, no database)."""
    clock = FixedClock()
    work = FakeUnitOfWork()
    operations = stand_in_operations(readiness=FixedReadiness(ready), clock=clock)
    container = wire(operations, lambda: work, clock)
    return create_app(make_settings(environ), container)
