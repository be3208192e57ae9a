"""The unit of work on a real PostgreSQL: a use case's writes are stored together or not at all."""

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from src.domain.models import Todo
from src.infrastructure.models import TodoRecord
from src.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from tests.support.database import DatabaseTestCase

NOW = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)


class UnitOfWorkTest(DatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.work = SqlAlchemyUnitOfWork(sessionmaker(self.engine, expire_on_commit=False))

    def stored(self):
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(TodoRecord))

    def test_two_writes_are_stored_together_on_commit(self):
        with self.work as work:
            work.todos.add(Todo.create("one", NOW))
            work.todos.add(Todo.create("two", NOW))
            self.assertEqual(self.stored(), 0, "nothing is visible before the commit")
            work.commit()
        self.assertEqual(self.stored(), 2)

    def test_leaving_without_a_commit_stores_nothing(self):
        with self.assertRaises(RuntimeError), self.work as work:
            work.todos.add(Todo.create("one", NOW))
            raise RuntimeError("the second write failed")
        self.assertEqual(self.stored(), 0)
