"""The migrate sidecar on databases of their own: the lock, the lint, the window, the rollback,
the abort, and the lease that outlives a killed migrator."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import unittest
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from shallot_runtime.adapters.clock import SystemClock
from shallot_runtime.adapters.migrator.abort import Abort
from shallot_runtime.adapters.migrator.errors import LintFailed, MigrationFailed, MigratorBusy
from shallot_runtime.adapters.migrator.lock import MIGRATION_LOCK_KEY
from shallot_runtime.adapters.migrator.settings import MigratorSettings
from shallot_runtime.adapters.postgres.monitor import MaintenanceMonitor
from shallot_runtime.domain.window import Outcome
from shallot_runtime.services.gate import MaintenanceGate
from tests.project import PROJECT_ROOT
from tests.project.cli import cli
from tests.support.app import create_test_app
from tests.support.migrations import migrations_with
from tests.support.own_database import OwnDatabaseTestCase
from tests.support.wait import wait_until

FAST = MigratorSettings(ack_wait=timedelta(seconds=2), lock_wait=timedelta(seconds=1))


class MigratorTestCase(OwnDatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.engine = create_engine(self.url)
        self.addCleanup(self.engine.dispose)

    def migrator(self, *examples, settings=FAST, extra=""):
        location = migrations_with(self, *examples, extra=extra)
        return self.tools.migrator(settings, location)

    def columns(self):
        return {column["name"] for column in inspect(self.engine).get_columns("todos")}

    def revision(self):
        with self.engine.connect() as connection:
            return connection.scalar(text("SELECT version_num FROM alembic_version"))

    def index_is_valid(self, name):
        with self.engine.connect() as connection:
            query = text(
                "SELECT indisvalid FROM pg_index WHERE indexrelid = CAST(:name AS regclass)"
            )
            return connection.scalar(query, {"name": name})

    def watch(self):
        """An app instance's monitor on this database, as if the service were running."""
        monitor = MaintenanceMonitor(self.url, SystemClock())
        monitor.start()
        self.addCleanup(monitor.stop)
        return monitor


class ExpandContractTest(MigratorTestCase):
    def test_the_expand_example_applies_in_a_window_the_instances_saw(self):
        self.watch()
        run = self.migrator("0002_add_todo_note").run(Abort())

        self.assertEqual((run.applied, self.revision()), (["0002"], "0002"))
        self.assertIn("note", self.columns())
        self.assertTrue(self.index_is_valid("ix_todos_note"))

        [record] = self.tools.maintenance.history(10)
        self.assertEqual(record, run.window)
        self.assertEqual((record.outcome, record.mode.value), (Outcome.COMPLETED, "read-only"))
        self.assertEqual((record.from_revision, record.to_revision), ("0001", "0002"))
        self.assertEqual(record.instances, 1)
        self.assertLess(record.propagation, timedelta(seconds=1))  # the staleness bound
        self.assertIsNone(self.tools.maintenance.current())

    def test_an_idle_app_sees_the_window_before_the_migrations_run(self):
        create_test_app(self.operations)  # built, and no request since: a stack up but idle
        wait_until(lambda: self.tools.maintenance.acknowledgements(None).instances, 2)
        with self.assertLogs("shallot_runtime.adapters.migrator.migrator", "INFO") as logs:
            run = self.migrator("0002_add_todo_note").run(Abort())
        self.assertEqual((run.window.outcome, run.window.instances), (Outcome.COMPLETED, 1))
        self.assertIn("reached every app instance (1)", "\n".join(logs.output))

    def test_with_nothing_pending_no_window_is_opened(self):
        run = self.migrator().run(Abort())
        self.assertEqual((run.applied, run.window), ([], None))
        self.assertEqual(self.tools.maintenance.history(10), [])

    def test_a_lock_timeout_is_retried_with_backoff_and_the_index_ends_up_valid(self):
        settings = MigratorSettings(ack_wait=timedelta(0), lock_timeout=timedelta(seconds=0.1))
        # A long transaction with a snapshot: CREATE INDEX CONCURRENTLY waits for it to end,
        # times out, and leaves an invalid index behind, which the retry must not keep.
        blocker = self.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        self.addCleanup(blocker.close)
        blocker.execute(text("SELECT 1"))
        threading.Timer(0.8, blocker.rollback).start()
        with self.assertLogs("shallot_runtime.adapters.migrator.apply", "WARNING") as logs:
            run = self.migrator("0002_add_todo_note", settings=settings).run(Abort())
        self.assertEqual(run.window.outcome, Outcome.COMPLETED)
        self.assertIn("retry 1 of 5", logs.output[0])
        self.assertTrue(self.index_is_valid("ix_todos_note"))

    def test_a_lock_that_outlasts_the_retries_fails_the_migration(self):
        settings = MigratorSettings(
            ack_wait=timedelta(0), lock_timeout=timedelta(seconds=0.1), retries=0
        )
        blocker = self.engine.connect()
        self.addCleanup(blocker.close)
        blocker.execute(text("LOCK TABLE todos IN ACCESS SHARE MODE"))
        with self.assertRaises(MigrationFailed) as caught:
            self.migrator("0002_add_todo_note", settings=settings).run(Abort())
        self.assertIn("lock timeout", str(caught.exception))
        self.assertEqual(self.tools.maintenance.history(1)[0].outcome, Outcome.FAILED)


class FailureTest(MigratorTestCase):
    def test_a_failing_migration_is_rolled_back_and_the_window_closed(self):
        with self.assertRaises(MigrationFailed) as caught:
            self.migrator("0002_fails_halfway").run(Abort())

        self.assertIn("0002_fails_halfway.py", str(caught.exception))
        self.assertIn("division by zero", str(caught.exception))
        self.assertNotIn("doomed", self.columns())
        self.assertEqual(self.revision(), "0001")
        self.assertIsNone(self.tools.maintenance.current())
        [record] = self.tools.maintenance.history(10)
        self.assertEqual(record.outcome, Outcome.FAILED)
        self.assertIn("division by zero", record.error)

    def test_a_second_migrator_gives_up_after_its_wait(self):
        holder = self.engine.connect()
        self.addCleanup(holder.close)
        holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        settings = MigratorSettings(lock_wait=timedelta(seconds=0.5))
        started = time.monotonic()
        with self.assertRaises(MigratorBusy) as caught:
            self.migrator("0002_add_todo_note", settings=settings).run(Abort())
        self.assertGreaterEqual(time.monotonic() - started, 0.5)
        message = str(caught.exception)
        self.assertIn("another migrator holds the migration lock (backend pid", message)
        self.assertIn("waited 0.5s", message)
        self.assertEqual((self.revision(), self.tools.maintenance.history(10)), ("0001", []))

    def test_the_command_says_so_in_one_line_and_exits_1(self):
        holder = self.engine.connect()
        self.addCleanup(holder.close)
        holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        result = CliRunner().invoke(cli, ["migrate", "--lock-wait", "0.2"], env=self.environ)
        self.assertEqual(result.exit_code, 1, result.output)
        self.assertIn("Error: another migrator holds the migration lock", result.output)


class LintTest(MigratorTestCase):
    def test_an_index_built_without_concurrently_stops_the_run_before_anything(self):
        with self.assertRaises(LintFailed) as caught:
            self.migrator("0002_index_without_concurrently").run(Abort())
        [finding] = caught.exception.findings
        self.assertEqual(finding.rule, "require-concurrent-index-creation")
        self.assertTrue(finding.blocking)
        self.assertTrue(finding.path.endswith("versions/0002_index_without_concurrently.py"))
        self.assertIn("CREATE INDEX ix_todos_title ON todos (title)", finding.statement)
        self.assertEqual(self.revision(), "0001")
        self.assertEqual(self.tools.maintenance.history(10), [], "no window was opened")

    def test_squawks_prefer_rules_are_advice_and_do_not_stop_the_run(self):
        location = migrations_with(self, "0002_add_todo_note")
        revision = location / "versions" / "0002_add_todo_note.py"
        source = revision.read_text().replace('squawk_allow = ("prefer-robust-stmts",)', "")
        revision.write_text(source)
        migrator = self.tools.migrator(FAST, location)
        [advice] = migrator.lint_pending()
        self.assertEqual((advice.rule, advice.blocking), ("prefer-robust-stmts", False))
        with self.assertLogs("shallot_runtime.adapters.migrator.migrator", "WARNING") as logs:
            self.assertEqual(migrator.run(Abort()).applied, ["0002"])
        self.assertIn("advice from squawk", logs.output[0])

    def test_a_migration_may_allow_the_rule_explicitly(self):
        allow = '\nsquawk_allow = ("require-concurrent-index-creation",)\n'
        migrator = self.migrator("0002_index_without_concurrently", extra=allow)
        self.assertEqual(migrator.lint_pending(), [])
        self.assertEqual(migrator.run(Abort()).applied, ["0002"])


class ProjectMigrationsLintTest(unittest.TestCase):
    def test_the_projects_own_migrations_pass_without_a_database(self):
        result = CliRunner().invoke(cli, ["lint-migrations"], env={"DATABASE_URL": ""})
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("squawk finds nothing unsafe in 1 migration(s)", result.output)


class StopTest(MigratorTestCase):
    """The migrator in a process of its own, stopped with SIGTERM or killed with SIGKILL."""

    LEASE_SECONDS = 2

    def migrator_statements(self):
        with self.engine.connect() as connection:
            return connection.scalars(
                text(
                    "SELECT query FROM pg_stat_activity WHERE state = 'active'"
                    " AND application_name = 'shallot-migrate' AND datname = current_database()"
                )
            ).all()

    def start_slow_migration(self):
        location = migrations_with(self, "0002_slow")
        code = textwrap.dedent(f"""
            import logging
            from datetime import timedelta
            from pathlib import Path
            from shallot_runtime import Operations
            from shallot_runtime.adapters.migrator.abort import run_until_signalled
            from shallot_runtime.adapters.migrator.settings import MigratorSettings
            logging.basicConfig(level=logging.INFO, format="%(message)s")
            settings = MigratorSettings(
                lease=timedelta(seconds={self.LEASE_SECONDS}), ack_wait=timedelta(0)
            )
            url, project = {self.environ["DATABASE_URL"]!r}, {str(PROJECT_ROOT)!r}
            tools = Operations(url, project_root=project).tools()
            run_until_signalled(tools.migrator(settings, Path({str(location)!r})).run)
        """)
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=PROJECT_ROOT.parents[1],  # where `tests.project` imports from
            env=os.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.addCleanup(process.kill)
        self.addCleanup(process.stdout.close)
        deadline = time.monotonic() + 20
        while self.tools.maintenance.current() is None:
            self.assertLess(time.monotonic(), deadline, "the window never opened")
            if process.poll() is not None:
                self.fail(f"the migrator exited: {process.stdout.read()}")
            time.sleep(0.02)
        return process

    def test_sigterm_rolls_back_closes_the_window_and_exits_non_zero(self):
        process = self.start_slow_migration()
        time.sleep(0.3)  # into pg_sleep
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
        self.assertLess(time.monotonic() - started, 5, output)

        self.assertNotEqual(process.returncode, 0)
        self.assertIn("aborted (received SIGTERM)", output)
        self.assertEqual(self.revision(), "0001")
        self.assertIsNone(self.tools.maintenance.current())
        self.assertEqual(self.tools.maintenance.history(1)[0].outcome, Outcome.ABORTED)

    def test_after_sigkill_the_lease_runs_out_and_the_service_is_back_by_itself(self):
        gate = MaintenanceGate(self.watch(), SystemClock())
        process = self.start_slow_migration()
        wait = time.monotonic() + 2
        while gate.active() is None and time.monotonic() < wait:
            time.sleep(0.01)
        self.assertIsNotNone(gate.active())
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=5)
        killed = time.monotonic()

        while gate.active() is not None:
            self.assertLess(time.monotonic() - killed, self.LEASE_SECONDS + 1)
            time.sleep(0.01)
        # Nor does the server run the dead migrator's statement to its end (holding its locks).
        while self.migrator_statements():
            self.assertLess(time.monotonic() - killed, 3, self.migrator_statements())
            time.sleep(0.05)
        # The next window records the one nobody closed.
        self.tools.maintenance.open(
            mode="read-only", reason="next", holder="test", lease=timedelta(seconds=5)
        )
        self.assertEqual(self.tools.maintenance.history(1)[0].outcome, Outcome.EXPIRED)
