"""The composition root: every object the app uses is built here, from the config.

Tests build a `Container` themselves, with fakes in place of the infrastructure.
"""

from collections.abc import Callable
from dataclasses import dataclass

from src.config import Config
from src.infrastructure.databases.engine import create_database_engine, create_scoped_sessions
from src.infrastructure.databases.migrations import head_revisions
from src.infrastructure.repositories.todo_repository import SqlAlchemyTodoRepository
from src.infrastructure.services.clock import SystemClock
from src.infrastructure.services.readiness import DatabaseReadiness
from src.services.ports import ReadinessProbe
from src.services.todo_service import TodoService


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Container:
    todo_service: TodoService
    readiness: ReadinessProbe
    end_request: Callable[[], None] = _nothing
    close: Callable[[], None] = _nothing


def build_container(config: Config) -> Container:
    engine = create_database_engine(config.database.url)
    sessions = create_scoped_sessions(engine)

    todo_repository = SqlAlchemyTodoRepository(sessions)
    todo_service = TodoService(todo_repository, clock=SystemClock())
    readiness = DatabaseReadiness(engine, expected_revisions=head_revisions())

    return Container(
        todo_service=todo_service,
        readiness=readiness,
        end_request=sessions.remove,
        close=engine.dispose,
    )
