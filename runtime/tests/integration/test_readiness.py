"""Readiness on a real database, and the Alembic environment that leaves the maintenance tables
out of the project's history."""

import unittest

from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from shallot_runtime.adapters.migrations import Project
from shallot_runtime.adapters.readiness import DatabaseReadiness
from tests.project import PROJECT_ROOT
from tests.project.cli import cli
from tests.support.own_database import OwnDatabaseTestCase


class ReadinessTest(OwnDatabaseTestCase):
    REVISION = None

    def setUp(self):
        super().setUp()
        self.engine = create_engine(self.url)
        self.addCleanup(self.engine.dispose)
        self.readiness = DatabaseReadiness(self.engine, Project.at(PROJECT_ROOT))

    def test_pending_then_current_then_ahead_of_the_code(self):
        self.assertEqual(self.readiness.check().checks, {"database": "ok", "migrations": "pending"})
        self.assertFalse(self.readiness.check().ready)
        command.upgrade(self.operations.project.alembic_config(self.url), "head")
        self.assertTrue(self.readiness.check().ready)
        with self.engine.begin() as connection:  # as if a newer release had migrated it
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
        checked = self.readiness.check()
        self.assertEqual((checked.ready, checked.checks["migrations"]), (True, "ahead"))

    def test_migrate_then_db_check_which_ignores_the_maintenance_tables(self):
        manage = CliRunner()
        result = manage.invoke(cli, ["migrate", "--ack-wait", "0"], env=self.environ)
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("migrate: applied 0001", result.output)
        self.assertIn("shallot_maintenance", inspect(self.engine).get_table_names())
        result = manage.invoke(cli, ["db", "check"], env=self.environ)
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("nothing to apply", manage.invoke(cli, ["migrate"], env=self.environ).output)


class UnreachableDatabaseTest(unittest.TestCase):
    def test_readiness_says_unreachable(self):
        engine = create_engine("postgresql+psycopg2://nobody:nothing@127.0.0.1:1/none")
        self.addCleanup(engine.dispose)
        with self.assertLogs("shallot_runtime.adapters.readiness", "WARNING"):
            checked = DatabaseReadiness(engine, Project.at(PROJECT_ROOT)).check()
        self.assertEqual((checked.ready, checked.checks), (False, {"database": "unreachable"}))
