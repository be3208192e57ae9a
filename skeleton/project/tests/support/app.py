"""Apps for tests: a test-profile config, and an app wired to fakes."""

from collections.abc import Mapping

from flask import Flask

from src.config import Config, load_config
from src.create_app import create_app
from src.dependency_container import Container
from src.services.maintenance_gate import MaintenanceGate, ReadinessWithMaintenance
from src.services.todo_service import TodoService
from tests.support.fakes import (
    FakeMaintenanceWindows,
    FakeReadiness,
    FakeTodoRepository,
    FixedClock,
)


def make_config(environ: Mapping[str, str] | None = None) -> Config:
    return load_config({"APP_ENV": "test", **(environ or {})})


def make_fake_app(
    environ: Mapping[str, str] | None = None,
    ready: bool = True,
    windows: FakeMaintenanceWindows | None = None,
    clock: FixedClock | None = None,
) -> Flask:
    """The app on fakes; give `windows` (and `clock`) to play with maintenance windows."""
    clock = clock or FixedClock()
    gate = MaintenanceGate(windows or FakeMaintenanceWindows(), clock)
    container = Container(
        todo_service=TodoService(FakeTodoRepository(), clock),
        readiness=ReadinessWithMaintenance(FakeReadiness(ready), gate),
        maintenance_gate=gate,
    )
    return create_app(make_config(environ), container)
