"""The composition root: every object the app and manage.py use is built here, from the settings.

Tests build a `Container` themselves, with fakes in place of the infrastructure.
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
    todo_service = TodoService(
        lambda: SqlAlchemyUnitOfWork(sessions),
        clock=SystemClock(),
        reads=lambda: SqlAlchemyUnitOfWork(reads),
    )
    return Container(todo_service=todo_service, operations=operations, close=operations.close)
