"""The unit of work on SQLAlchemy: one session per use case, shared by its repositories and
its job queue (the jobs are rows in the same database, written in the same transaction)."""

from typing import Self

from shallot_runtime import end_session
from shallot_runtime.jobs import Jobs
from sqlalchemy.orm import Session, sessionmaker

from src.infrastructure.repositories.todo_repository import SqlAlchemyTodoRepository


class SqlAlchemyUnitOfWork:
    def __init__(self, sessions: sessionmaker[Session], jobs: Jobs) -> None:
        self._sessions = sessions
        self._jobs = jobs

    def __enter__(self) -> Self:
        self._session = self._sessions()
        self.todos = SqlAlchemyTodoRepository(self._session)
        self.jobs = self._jobs.queue(self._session)
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Rolls back what was not committed; a connection the database dropped is let go.
        end_session(self._session)

    def commit(self) -> None:
        self._session.commit()
