"""The composition root: every object the app and manage.py use is built here, from the settings.

`wire` gives each use case its ports: the real ones here, the tests' fakes in tests/support.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shallot_runtime import Operations
from shallot_runtime.settings import DatabaseSettings
from sqlalchemy.orm import sessionmaker

from src.config import Settings
from src.infrastructure.clock import SystemClock
from src.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from src.services.ports import Clock, UnitOfWork
from src.services.todo_service import TodoService

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # alembic.ini and migrations/


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Container:
    todo_service: TodoService
    # The shallot runtime: the maintenance gate, readiness and the database's availability.
    operations: Operations
    close: Callable[[], None] = _nothing


def wire(
    operations: Operations,
    unit_of_work: Callable[[], UnitOfWork],
    clock: Clock,
    reads: Callable[[], UnitOfWork] | None = None,
    close: Callable[[], None] = _nothing,
) -> Container:
    """Every use case, on these ports; `reads` serves the use cases that only read."""
    return Container(
        todo_service=TodoService(unit_of_work, clock, reads),
        operations=operations,
        close=close,
    )


def build_operations(database: DatabaseSettings) -> Operations:
    return Operations(
        database.url,
        project_root=PROJECT_ROOT,
        connect_timeout=database.connect_timeout,
        statement_timeout=database.statement_timeout,
    )


def build_container(settings: Settings) -> Container:
    operations = build_operations(settings.database)
    sessions = sessionmaker(operations.engine, expire_on_commit=False)
    reads = sessionmaker(operations.read_engine)
    return wire(
        operations,
        lambda: SqlAlchemyUnitOfWork(sessions),
        SystemClock(),
        reads=lambda: SqlAlchemyUnitOfWork(reads),
        close=operations.close,
    )
