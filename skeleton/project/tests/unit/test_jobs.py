"""The tasks (src/jobs.py): each one the use cases enqueue is declared, and each runs its use
case on the composition root's container (here, one on fakes)."""

import unittest
from unittest import mock

import src.jobs
from src.domain.models.todo import Todo
from src.jobs import jobs, notify_todo_completed, remind_open_todos
from src.services.todo_service import TodoService
from tests.support.app import make_fake_app
from tests.support.fakes import FakeUnitOfWork, FixedClock


class TasksTest(unittest.TestCase):
    def test_the_tasks_the_use_cases_enqueue_are_declared(self):
        work = FakeUnitOfWork()
        todo = work.todos.add(Todo(title="Ship it", created_at=FixedClock().now()))
        TodoService(lambda: work, FixedClock()).update(todo.id, done=True)
        self.assertNotEqual(work.jobs.enqueued, [])
        for task, _ in work.jobs.enqueued:
            with self.subTest(task=task):
                jobs.find(task)  # UnknownTask if no task has that name

    def test_notifications_are_taken_in_a_read_only_window(self):
        self.assertEqual(notify_todo_completed.queue, src.jobs.NOTIFICATIONS)
        self.assertEqual(remind_open_todos.queue, src.jobs.NOTIFICATIONS)
        self.assertEqual(jobs.read_only_queues, {src.jobs.NOTIFICATIONS})

    def test_each_task_runs_its_use_case(self):
        container = make_fake_app().extensions["container"]
        with (
            mock.patch.object(src.jobs, "container", lambda: container),
            self.assertLogs("src.services.todo_service") as logs,
        ):
            notify_todo_completed(todo_id=7)
            remind_open_todos(timestamp=0)
        self.assertEqual(
            [record.getMessage() for record in logs.records],
            ["todo 7 was completed, then deleted: nothing to tell", "0 todo(s) still open"],
        )
