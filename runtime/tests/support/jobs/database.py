"""A database of its own per test, with the job schema created as a project's migration does,
and the table where the test tasks record what they do."""

from unittest import mock

from alembic import command
from sqlalchemy import text

from tests.support.jobs.tasks import DATABASE_URL, RUNS_TABLE
from tests.support.migrations import migrations_with
from tests.support.own_database import OwnDatabaseTestCase


class JobsTestCase(OwnDatabaseTestCase):
    REVISION = "0001"

    def setUp(self):
        super().setUp()
        self.migrations = migrations_with(self, "0002_create_jobs")
        project = self.operations.project.with_migrations(self.migrations)
        command.upgrade(project.alembic_config(self.url), "0002")
        with self.tools.engine.begin() as connection:
            connection.execute(text(RUNS_TABLE))
        patcher = mock.patch.dict(
            "os.environ", {DATABASE_URL: self.url.render_as_string(hide_password=False)}
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def query(self, sql: str, **parameters):
        with self.tools.engine.connect() as connection:
            return connection.execute(text(sql), parameters).all()

    def runs(self, event: str = "ran") -> list:
        return self.query(
            "SELECT key, attempt, worker, trace_id, parent_span_id FROM job_runs"
            " WHERE event = :event ORDER BY id",
            event=event,
        )

    def jobs(self) -> list:
        return self.query(
            "SELECT id, task_name, queue_name, status, attempts, args FROM procrastinate_jobs"
            " ORDER BY id"
        )
