import unittest

from src.domain.exceptions import RuleViolation, TodoAlreadyCompleted, TodoNotFound
from src.domain.models import Todo
from src.services.todo_service import TodoService
from tests.support.fakes import FakeUnitOfWork, FixedClock


class TodoServiceTest(unittest.TestCase):
    def setUp(self):
        self.clock = FixedClock()
        self.work = FakeUnitOfWork()
        self.service = TodoService(lambda: self.work, self.clock)

    def test_create_stores_a_trimmed_open_todo(self):
        todo = self.service.create("  Plan the week ")
        self.assertTrue(self.work.committed)
        self.assertEqual(self.service.get(todo.id).title, "Plan the week")
        self.assertEqual(todo.created_at, self.clock.now())

    def test_a_refused_change_commits_nothing(self):
        todo = self.service.create("Plan the week")
        self.work.committed = False
        with self.assertRaises(RuleViolation):
            self.service.update(todo.id, title="   ")
        self.assertFalse(self.work.committed)

    def test_get_of_an_unknown_id_raises_not_found(self):
        with self.assertRaises(TodoNotFound):
            self.service.get(42)

    def test_list_pages_oldest_first_and_counts_all(self):
        for n in range(5):
            self.service.create(f"todo {n}")
        page = self.service.list(page=2, per_page=2)
        self.assertEqual([t.title for t in page.items], ["todo 2", "todo 3"])
        self.assertEqual((page.total, page.page, page.per_page), (5, 2, 2))

    def test_list_filters_by_done(self):
        first = self.service.create("first")
        self.service.create("second")
        self.service.update(first.id, done=True)
        self.assertEqual(
            [t.title for t in self.service.list(page=1, per_page=10, done=True).items], ["first"]
        )
        self.assertEqual(self.service.list(page=1, per_page=10, done=False).total, 1)

    def test_list_refuses_pages_out_of_bounds(self):
        for page, per_page in ((0, 10), (1, 0), (1, 101)):
            with self.subTest(page=page, per_page=per_page), self.assertRaises(RuleViolation):
                self.service.list(page=page, per_page=per_page)

    def test_update_completes_at_the_current_time(self):
        todo = self.service.create("Ship it")
        self.clock.advance(hours=1)
        updated = self.service.update(todo.id, done=True)
        self.assertTrue(updated.done)
        self.assertEqual(updated.completed_at, self.clock.now())

    def test_completing_twice_is_a_conflict_and_changes_nothing(self):
        todo = self.service.create("Ship it")
        self.service.update(todo.id, done=True)
        with self.assertRaises(TodoAlreadyCompleted):
            self.service.update(todo.id, title="Renamed", done=True)
        self.assertEqual(self.service.get(todo.id).title, "Ship it")

    def test_update_renames_and_reopens(self):
        todo = self.service.create("Ship it")
        self.service.update(todo.id, done=True)
        updated = self.service.update(todo.id, title=" Ship it again ", done=False)
        self.assertEqual(
            (updated.title, updated.done, updated.completed_at), ("Ship it again", False, None)
        )

    def test_update_of_an_unknown_id_raises_not_found(self):
        with self.assertRaises(TodoNotFound):
            self.service.update(7, title="x")

    def test_delete_removes_and_then_raises_not_found(self):
        todo = self.service.create("Temporary")
        self.service.delete(todo.id)
        with self.assertRaises(TodoNotFound):
            self.service.delete(todo.id)


class ReadsTest(unittest.TestCase):
    """Use cases that only read take the unit of work for reads; the others the usual one."""

    def setUp(self):
        self.work, self.reads = FakeUnitOfWork(), FakeUnitOfWork()
        self.opened = []
        self.service = TodoService(
            lambda: self.opened.append("work") or self.work,
            FixedClock(),
            reads=lambda: self.opened.append("reads") or self.reads,
        )

    def test_get_and_list_read_through_the_unit_of_work_for_reads(self):
        stored = self.reads.todos.add(Todo.create("Read me", FixedClock().now()))
        self.assertEqual(self.service.get(stored.id).title, "Read me")
        self.assertEqual(self.service.list(page=1, per_page=10).total, 1)
        self.assertEqual(self.opened, ["reads", "reads"])

    def test_changes_go_through_the_usual_unit_of_work(self):
        todo = self.service.create("Write me")
        self.service.update(todo.id, done=True)
        self.service.delete(todo.id)
        self.assertEqual(self.opened, ["work", "work", "work"])
