"""Jobs enqueued in the unit of work's transaction: there once it commits, never if it rolls
back, with the task's defaults and the trace of the request that enqueued them; and the
project's migration that creates the job schema, linted like any other."""

from alembic import command
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import text
from sqlalchemy.orm import Session

from shallot_runtime.adapters.migrations import MigrationScripts
from shallot_runtime.adapters.migrator.lint import lint
from shallot_runtime.adapters.migrator.settings import MigratorSettings
from shallot_runtime.jobs import UnknownTask
from shallot_runtime.jobs.tracing import TRACE_ARGUMENT
from tests.support.jobs.database import JobsTestCase
from tests.support.jobs.tasks import READ_ONLY_QUEUE, make_jobs


class EnqueueTest(JobsTestCase):
    def setUp(self):
        super().setUp()
        self.app_jobs = make_jobs()

    def test_a_job_enqueued_in_a_unit_of_work_that_rolls_back_is_not_there(self):
        with Session(self.tools.engine) as session:
            session.execute(self.insert_todo("rolled back"))
            self.app_jobs.queue(session).enqueue("record", key="lost")
            session.rollback()
        self.assertEqual(self.jobs(), [])
        self.assertEqual(self.query("SELECT title FROM todos"), [])

    def test_a_job_is_there_once_its_unit_of_work_commits_with_the_tasks_defaults(self):
        with Session(self.tools.engine) as session:
            session.execute(self.insert_todo("kept"))
            first = self.app_jobs.queue(session).enqueue("record", key="one")
            second = self.app_jobs.queue(session).enqueue("report", key="two")
            self.assertEqual(self.jobs(), [], "nothing is seen before the commit")
            session.commit()
        rows = [(r.id, r.task_name, r.queue_name, r.status, r.args) for r in self.jobs()]
        self.assertEqual(
            rows,
            [
                (first, "record", "default", "todo", {"key": "one"}),
                (second, "report", READ_ONLY_QUEUE, "todo", {"key": "two"}),
            ],
        )
        self.assertEqual(len(self.query("SELECT title FROM todos")), 1)

    def test_the_job_carries_the_trace_context_of_the_span_that_enqueued_it(self):
        tracer = TracerProvider().get_tracer("test")
        with (
            tracer.start_as_current_span("POST /v1/todos") as span,
            Session(self.tools.engine) as session,
        ):
            self.app_jobs.queue(session).enqueue("record", key="traced")
            session.commit()
        [job] = self.jobs()
        context = span.get_span_context()
        flags = int(context.trace_flags)
        traceparent = f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags:02x}"
        self.assertEqual(job.args, {"key": "traced", TRACE_ARGUMENT: {"traceparent": traceparent}})

    def test_an_unknown_task_is_refused_with_the_names_of_the_known_ones(self):
        with Session(self.tools.engine) as session, self.assertRaises(UnknownTask) as raised:
            self.app_jobs.queue(session).enqueue("recrod", key="typo")
        self.assertIn("no task is named 'recrod'", str(raised.exception))
        self.assertIn("record, report", str(raised.exception))

    def test_the_migration_that_creates_the_job_schema_passes_the_lint(self):
        project = self.operations.project.with_migrations(self.migrations)
        [script] = [s for s in MigrationScripts(project).revisions() if s.revision == "0002"]
        findings = lint([script], MigratorSettings(), project)
        self.assertEqual([f.describe() for f in findings], [], "it allows squawk's advice only")

    def test_its_downgrade_drops_the_job_schema(self):
        project = self.operations.project.with_migrations(self.migrations)
        command.downgrade(project.alembic_config(self.url), "0001")
        left = self.query(
            "SELECT relname FROM pg_class WHERE relname LIKE 'procrastinate%'"
            " UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'procrastinate%'"
            " UNION ALL SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate%'"
        )
        self.assertEqual(left, [])

    @staticmethod
    def insert_todo(title: str):
        return text("INSERT INTO todos (title, created_at) VALUES (:title, now())").bindparams(
            title=title
        )
