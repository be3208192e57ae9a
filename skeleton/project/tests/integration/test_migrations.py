"""The migrations on a database of their own: a round trip, `db check`, and readiness."""

import unittest

from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from manage import cli
from src.infrastructure.databases.migrations import MigrationScripts, alembic_config
from src.infrastructure.services.readiness import DatabaseReadiness
from tests.support.own_database import OwnDatabaseTestCase
from tests.support.postgres import shared_postgres

DATABASE = "migrations_round_trip"


class MigrationsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.postgres = shared_postgres()
        cls.postgres.create_database(DATABASE)
        cls.engine = create_engine(cls.postgres.url(DATABASE))
        cls.config = alembic_config(cls.postgres.url(DATABASE))

    @classmethod
    def tearDownClass(cls):
        cls.engine.dispose()
        cls.postgres.drop_database(DATABASE)

    def tables(self):
        return set(inspect(self.engine).get_table_names()) - {"alembic_version"}

    def manage(self, *args):
        return CliRunner().invoke(cli, args, env=self.postgres.environ(DATABASE))

    def test_round_trip_then_check(self):
        readiness = DatabaseReadiness(self.engine, MigrationScripts())
        self.assertEqual(readiness.check().checks.get("migrations"), "pending")
        self.assertEqual(self.manage("db", "check").exit_code, 1)  # not up to date

        command.upgrade(self.config, "head")
        self.assertEqual(self.tables(), {"todos"})
        command.downgrade(self.config, "base")
        self.assertEqual(self.tables(), set())
        command.upgrade(self.config, "head")
        self.assertEqual(self.tables(), {"todos"})
        self.assertTrue(readiness.check().ready)

        result = self.manage("db", "check")
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("No new upgrade operations detected", result.output)

    def test_manage_reports_a_bad_setting_in_one_line(self):
        result = CliRunner().invoke(
            cli, ["db", "current"], env={"APP_ENV": "test", "POSTGRES_PORT": "x"}
        )
        self.assertEqual(result.exit_code, 1)
        self.assertIn("POSTGRES_PORT='x'", result.output)


class FreshDatabaseTest(OwnDatabaseTestCase):
    REVISION = None

    def setUp(self):
        super().setUp()
        self.engine = create_engine(self.database.url)
        self.addCleanup(self.engine.dispose)

    def manage(self, *args):
        return CliRunner().invoke(cli, args, env=self.environ)

    def test_migrate_then_check_which_ignores_the_maintenance_tables(self):
        result = self.manage("migrate", "--ack-wait", "0")
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("migrate: applied 0001", result.output)
        self.assertIn("shallot_maintenance", inspect(self.engine).get_table_names())
        result = self.manage("db", "check")
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("migrate: nothing to apply", self.manage("migrate").output)

    def test_readiness_accepts_a_schema_ahead_of_the_code(self):
        command.upgrade(alembic_config(self.database.url), "head")
        with self.engine.begin() as connection:  # as if a newer release had migrated it
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
        checked = DatabaseReadiness(self.engine, MigrationScripts()).check()
        self.assertEqual((checked.ready, checked.checks["migrations"]), (True, "ahead"))


class UnreachableDatabaseTest(unittest.TestCase):
    def test_readiness_says_unreachable(self):
        engine = create_engine("postgresql+psycopg2://nobody:nothing@127.0.0.1:1/none")
        self.addCleanup(engine.dispose)
        with self.assertLogs("src.infrastructure.services.readiness", "WARNING"):
            readiness = DatabaseReadiness(engine, MigrationScripts()).check()
        self.assertEqual((readiness.ready, readiness.checks), (False, {"database": "unreachable"}))
