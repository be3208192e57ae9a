"""The SQLAlchemy repository on a real PostgreSQL."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from src.domain.exceptions import TodoNotFound
from src.domain.models import Todo
from src.infrastructure.repositories.todo_repository import SqlAlchemyTodoRepository
from tests.support.database import DatabaseTestCase

NOW = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)


class TodoRepositoryTest(DatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.session = Session(self.engine, expire_on_commit=False)
        self.addCleanup(self.session.close)
        self.todos = SqlAlchemyTodoRepository(self.session)

    def add(self, title, done=False):
        todo = Todo.create(title, NOW)
        if done:
            todo.complete(NOW)
        return self.todos.add(todo)

    def test_add_assigns_an_id_and_get_reads_it_back(self):
        added = self.add("Water the plants")
        self.assertIsNotNone(added.id)
        self.assertEqual(self.todos.get(added.id), added)
        self.assertEqual(self.todos.get(added.id).created_at, NOW)

    def test_get_of_an_unknown_id_is_none(self):
        self.assertIsNone(self.todos.get(12345))

    def test_list_pages_in_id_order_and_counts_all_matching(self):
        for n in range(5):
            self.add(f"todo {n}", done=n % 2 == 0)
        items, total = self.todos.list(done=None, offset=1, limit=2)
        self.assertEqual(([t.title for t in items], total), (["todo 1", "todo 2"], 5))
        items, total = self.todos.list(done=True, offset=0, limit=10)
        self.assertEqual(([t.title for t in items], total), (["todo 0", "todo 2", "todo 4"], 3))

    def test_save_stores_the_changes(self):
        todo = self.add("Draft")
        todo.rename("Final")
        todo.complete(NOW)
        self.todos.save(todo)
        stored = self.todos.get(todo.id)
        self.assertEqual((stored.title, stored.done, stored.completed_at), ("Final", True, NOW))

    def test_save_of_a_deleted_todo_raises_not_found(self):
        todo = self.add("Gone soon")
        self.todos.delete(todo.id)
        with self.assertRaises(TodoNotFound):
            self.todos.save(todo)

    def test_delete_says_whether_there_was_a_todo(self):
        todo = self.add("Temporary")
        self.assertTrue(self.todos.delete(todo.id))
        self.assertFalse(self.todos.delete(todo.id))
