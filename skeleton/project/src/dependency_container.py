"""The composition root: every object the app and manage.py use is built here, from the config.

Tests build a `Container` themselves, with fakes in place of the infrastructure.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from src.config import Config, DatabaseSettings
from src.infrastructure.databases.engine import (
    create_database_engine,
    create_scoped_sessions,
    end_session,
)
from src.infrastructure.databases.migrations import MIGRATIONS_DIR, MigrationScripts
from src.infrastructure.maintenance.identity import holder_name
from src.infrastructure.maintenance.monitor import MaintenanceMonitor
from src.infrastructure.maintenance.store import PostgresMaintenanceStore
from src.infrastructure.migrator.migrator import Migrator
from src.infrastructure.migrator.settings import MigratorSettings
from src.infrastructure.repositories.todo_repository import SqlAlchemyTodoRepository
from src.infrastructure.services.clock import SystemClock
from src.infrastructure.services.readiness import DatabaseReadiness
from src.services.maintenance_gate import MaintenanceGate, ReadinessWithMaintenance
from src.services.maintenance_service import MaintenanceService
from src.services.ports import ReadinessProbe
from src.services.todo_service import TodoService


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Container:
    todo_service: TodoService
    readiness: ReadinessProbe
    maintenance_gate: MaintenanceGate
    end_request: Callable[[], None] = _nothing
    close: Callable[[], None] = _nothing


def build_container(config: Config) -> Container:
    engine = create_database_engine(
        config.database.url,
        connect_timeout=config.database.connect_timeout,
        statement_timeout=config.database.statement_timeout,
    )
    sessions = create_scoped_sessions(engine)
    clock = SystemClock()

    todo_repository = SqlAlchemyTodoRepository(sessions)
    todo_service = TodoService(todo_repository, clock=clock)
    # Each process watches the window from a thread of its own, started on first use.
    monitor = MaintenanceMonitor(config.database.url, clock)
    maintenance_gate = MaintenanceGate(monitor, clock)
    readiness = ReadinessWithMaintenance(
        DatabaseReadiness(engine, MigrationScripts()), maintenance_gate
    )

    def close() -> None:
        monitor.stop()
        engine.dispose()

    return Container(
        todo_service=todo_service,
        readiness=readiness,
        maintenance_gate=maintenance_gate,
        end_request=lambda: end_session(sessions),
        close=close,
    )


@dataclass(frozen=True)
class Tools:
    """What manage.py's maintenance and migrate commands work with."""

    engine: Engine
    maintenance: MaintenanceService

    def migrator(
        self, settings: MigratorSettings, script_location: Path = MIGRATIONS_DIR
    ) -> Migrator:
        return Migrator(
            self.engine,
            self.maintenance,
            MigrationScripts(script_location),
            settings,
            holder=holder_name("migrate"),
        )

    def close(self) -> None:
        self.engine.dispose()


def build_tools(database: DatabaseSettings) -> Tools:
    engine = create_database_engine(
        database.url, application_name="shallot-migrate", connect_timeout=database.connect_timeout
    )
    store = PostgresMaintenanceStore(engine, SystemClock())
    return Tools(engine=engine, maintenance=MaintenanceService(store, SystemClock()))
