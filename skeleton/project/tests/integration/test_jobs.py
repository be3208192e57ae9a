"""The todos' jobs on a real PostgreSQL, run as a worker runs them (`work_off`): completing a
todo leaves one job in the queue, and a worker runs it once. (A unit of work that does not
commit leaves none: test_unit_of_work.py.)"""

from datetime import UTC, datetime
from unittest import mock

from shallot_runtime.jobs.testing import work_off
from sqlalchemy import insert, text

import src.jobs
from src.dependency_container import build_container
from src.infrastructure.models import TodoRecord
from src.jobs import jobs
from tests.support.database import DatabaseTestCase
from tests.support.integration import integration_settings

NOW = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
SERVICE_LOG = "src.services.todo_service"


class TodoJobsTest(DatabaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.settings = integration_settings()
        cls.container = build_container(cls.settings)

    @classmethod
    def tearDownClass(cls):
        cls.container.close()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # The tasks run on this container, on the tests' database; a worker builds its own.
        patcher = mock.patch.object(src.jobs, "container", lambda: self.container)
        patcher.start()
        self.addCleanup(patcher.stop)
        with self.engine.begin() as connection:
            statement = insert(TodoRecord).values(title="Ship it", done=False, created_at=NOW)
            self.todo_id = connection.scalar(statement.returning(TodoRecord.id))

    def jobs_waiting(self):
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT task_name, args FROM procrastinate_jobs")).all()

    def test_a_completed_todo_is_notified_once_by_a_worker(self):
        self.container.todo_service.update(self.todo_id, done=True)
        self.assertEqual(
            self.jobs_waiting(), [("notify_todo_completed", {"todo_id": self.todo_id})]
        )

        with self.assertLogs(SERVICE_LOG) as logs:
            work_off(jobs, self.settings.database)
        told = [line for line in logs.output if "completed" in line]
        self.assertEqual(told, [f"INFO:{SERVICE_LOG}:todo {self.todo_id} completed: Ship it"])
        self.assertEqual(self.jobs_waiting(), [], "a job that succeeded leaves the queue")

        with self.assertNoLogs(SERVICE_LOG):
            work_off(jobs, self.settings.database)
