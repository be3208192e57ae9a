"""`Operations`: what a project builds once, in its composition root, from its database settings.

    operations = Operations.from_settings(settings.database, project_root=PROJECT_ROOT)
    operations.init_app(app, error_response=error_response)   # the gate and the database's 503s
    operations.readiness.check()                              # what /readyz reports
    operations.engine                                         # the app's engine: guarded, bounded
    operations.read_engine                                    # the same, for work that only reads

Nothing connects until it is used, except the window's monitor, which `init_app` starts (a
thread and its one connection): an app counts as a live instance from the moment it is built,
idle or not. manage.py's commands (`shallot_runtime.cli`) build their own tools from it: an
engine of their own, the window store, the migrator.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import URL, Engine

from shallot_runtime import flask as flask_runtime
from shallot_runtime.adapters.clock import SystemClock
from shallot_runtime.adapters.database.engine import DEFAULT_CONNECT_TIMEOUT, create_database_engine
from shallot_runtime.adapters.migrations import MigrationScripts, Project
from shallot_runtime.adapters.migrator.migrator import Migrator
from shallot_runtime.adapters.migrator.settings import MigratorSettings
from shallot_runtime.adapters.postgres.identity import holder_name
from shallot_runtime.adapters.postgres.monitor import MaintenanceMonitor
from shallot_runtime.adapters.postgres.store import PostgresMaintenanceStore
from shallot_runtime.adapters.readiness import DatabaseReadiness
from shallot_runtime.services.gate import MaintenanceGate, ReadinessWithMaintenance
from shallot_runtime.services.ports import Clock, MaintenanceWindows, ReadinessProbe
from shallot_runtime.services.windows import MaintenanceService
from shallot_runtime.settings import DatabaseSettings

TOOLS_APPLICATION_NAME = "shallot-migrate"  # how the commands show in pg_stat_activity


class Operations:
    def __init__(
        self,
        database_url: URL | str,
        *,
        project_root: Path | str,
        connect_timeout: timedelta = DEFAULT_CONNECT_TIMEOUT,
        statement_timeout: timedelta | None = None,
        clock: Clock | None = None,
        windows: MaintenanceWindows | None = None,
        readiness: ReadinessProbe | None = None,
    ) -> None:
        """`statement_timeout` bounds every statement of the app's engine. Tests may give
        `windows` and `readiness` (see shallot_runtime.testing) in place of the database's."""
        self.database_url = database_url
        self.project = Project.at(project_root)
        self.connect_timeout = connect_timeout
        self.clock = clock or SystemClock()
        self.engine = create_database_engine(
            database_url, connect_timeout=connect_timeout, statement_timeout=statement_timeout
        )
        # Its statements stand alone (autocommit): a read is one round trip, not three.
        self.read_engine = create_database_engine(
            database_url,
            connect_timeout=connect_timeout,
            statement_timeout=statement_timeout,
            autocommit=True,
        )
        # Each process watches the window from a thread of its own, started by init_app.
        self._windows = windows or MaintenanceMonitor(database_url, self.clock)
        self.gate = MaintenanceGate(self._windows, self.clock)
        probe = readiness or DatabaseReadiness(self.engine, self.project)
        self.readiness: ReadinessProbe = ReadinessWithMaintenance(probe, self.gate)

    @classmethod
    def from_settings(cls, database: DatabaseSettings, *, project_root: Path | str) -> "Operations":
        """On the database the settings name, with their timeouts."""
        return cls(
            database.url,
            project_root=project_root,
            connect_timeout=database.connect_timeout,
            statement_timeout=database.statement_timeout,
        )

    def init_app(
        self,
        app: Flask,
        *,
        error_response: flask_runtime.ErrorResponse,
        request_id: Callable[[], str] | None = None,
        always_served: Iterable[str] = ("health",),
    ) -> None:
        """Installs the maintenance gate and the database's 503s, built by `error_response`
        (the app's error body: status, code, message, details); `request_id` adds the
        request's id to the database's 503. Blueprints in `always_served` are never refused."""
        app.extensions[flask_runtime.OPERATIONS] = self
        app.extensions[flask_runtime.ERROR_RESPONSE] = error_response
        flask_runtime.install(app, self.gate, error_response, request_id, always_served)
        if isinstance(self._windows, MaintenanceMonitor):
            # Now, not on the first request: an idle instance must acknowledge windows too, or
            # the migrator takes it for absent. No wait: the app builds with the database away.
            self._windows.start(wait=False)

    def tools(self) -> "Tools":
        engine = create_database_engine(
            self.database_url,
            application_name=TOOLS_APPLICATION_NAME,
            connect_timeout=self.connect_timeout,
        )
        store = PostgresMaintenanceStore(engine, self.clock)
        return Tools(engine, MaintenanceService(store, self.clock), self.project)

    def close(self) -> None:
        if isinstance(self._windows, MaintenanceMonitor):
            self._windows.stop()
        self.engine.dispose()
        self.read_engine.dispose()

    @property
    def engines(self) -> tuple[Engine, Engine]:
        """The app's engines: for metrics and traces that cover every statement."""
        return self.engine, self.read_engine


@dataclass(frozen=True)
class Tools:
    """What the maintenance and migrate commands work with."""

    engine: Engine
    maintenance: MaintenanceService
    project: Project

    def migrator(self, settings: MigratorSettings, migrations: Path | None = None) -> Migrator:
        """The migrator, on the project's migrations or on those in `migrations`."""
        project = self.project if migrations is None else self.project.with_migrations(migrations)
        return Migrator(
            self.engine,
            self.maintenance,
            MigrationScripts(project),
            settings,
            holder=holder_name("migrate"),
        )

    def close(self) -> None:
        self.engine.dispose()
