"""The project's migrations on a database of their own: a round trip, and `db check` (the
models and the migrations agree)."""

import unittest

from alembic import command
from click.testing import CliRunner
from shallot_runtime.alembic import alembic_config
from shallot_runtime.jobs import schema
from sqlalchemy import create_engine, inspect

from manage import cli
from src.dependency_container import PROJECT_ROOT
from src.infrastructure.models import Base
from tests.support.postgres import shared_postgres

DATABASE = "migrations_round_trip"


class MigrationsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.postgres = shared_postgres()
        cls.postgres.create_database(DATABASE)
        cls.engine = create_engine(cls.postgres.url(DATABASE))
        cls.config = alembic_config(PROJECT_ROOT, cls.postgres.url(DATABASE))

    @classmethod
    def tearDownClass(cls):
        cls.engine.dispose()
        cls.postgres.drop_database(DATABASE)

    def tables(self):
        return set(inspect(self.engine).get_table_names()) - {"alembic_version"}

    def manage(self, *args):
        return CliRunner().invoke(cli, args, env=self.postgres.environ(DATABASE))

    def test_round_trip_then_check(self):
        self.assertEqual(self.manage("db", "check").exit_code, 1)  # not up to date

        command.upgrade(self.config, "head")
        self.assertEqual(self.tables(), set(Base.metadata.tables) | schema.TABLES)
        command.downgrade(self.config, "base")
        self.assertEqual(self.tables(), set())
        result = self.manage("migrate", "--ack-wait", "0")
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertLessEqual(set(Base.metadata.tables), self.tables())

        result = self.manage("db", "check")
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("No new upgrade operations detected", result.output)

    def test_manage_reports_a_bad_setting_in_one_line(self):
        result = CliRunner().invoke(
            cli, ["db", "current"], env={"APP_ENV": "test", "POSTGRES_PORT": "x"}
        )
        self.assertEqual(result.exit_code, 1)
        self.assertIn("POSTGRES_PORT='x'", result.output)
