"""The app's two engines: transactions on `engine`, statements that stand alone on `read_engine`."""

import unittest

from sqlalchemy import text

from shallot_runtime import Operations
from shallot_runtime.testing import FixedWindows
from tests.project import PROJECT_ROOT
from tests.support.postgres import shared_postgres

# Two statements, each reading the clock of the transaction it runs in.
TRANSACTION_STARTS = "SELECT transaction_timestamp()"


class EnginesTest(unittest.TestCase):
    def setUp(self):
        self.operations = Operations(
            shared_postgres().url(), project_root=PROJECT_ROOT, windows=FixedWindows()
        )
        self.addCleanup(self.operations.close)

    def transaction_starts(self, engine) -> set:
        with engine.connect() as connection:
            first = connection.scalar(text(TRANSACTION_STARTS))
            connection.execute(text("SELECT pg_sleep(0.01)"))
            second = connection.scalar(text(TRANSACTION_STARTS))
        return {first, second}

    def test_the_read_engine_runs_each_statement_in_a_transaction_of_its_own(self):
        self.assertEqual(len(self.transaction_starts(self.operations.read_engine)), 2)

    def test_the_engine_runs_a_connection_s_statements_in_one_transaction(self):
        self.assertEqual(len(self.transaction_starts(self.operations.engine)), 1)

    def test_a_write_on_the_read_engine_is_stored_without_a_commit(self):
        with self.operations.read_engine.connect() as connection:
            connection.execute(text("CREATE TEMPORARY TABLE notes (body text)"))
            connection.execute(text("INSERT INTO notes VALUES ('kept')"))
            connection.rollback()
            self.assertEqual(connection.scalar(text("SELECT count(*) FROM notes")), 1)

    def test_engines_names_both(self):
        self.assertEqual(
            self.operations.engines, (self.operations.engine, self.operations.read_engine)
        )
