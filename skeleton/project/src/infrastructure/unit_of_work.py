"""The unit of work on SQLAlchemy: one connection per use case, in one transaction, shared by
its repositories and its job queue (the jobs are rows in the same database, written in the same
transaction)."""

from typing import Self

from shallot_runtime import release_connection
from shallot_runtime.jobs import Jobs
from sqlalchemy import Engine

from src.infrastructure.repositories.todo_repository import SqlAlchemyTodoRepository


class SqlAlchemyUnitOfWork:
    def __init__(self, engine: Engine, jobs: Jobs) -> None:
        self._engine = engine
        self._jobs = jobs

    def __enter__(self) -> Self:
        self._connection = self._engine.connect()
        self.todos = SqlAlchemyTodoRepository(self._connection)
        self.jobs = self._jobs.queue(self._connection)
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Rolls back what was not committed; a connection the database dropped is let go.
        release_connection(self._connection)

    def commit(self) -> None:
        self._connection.commit()
