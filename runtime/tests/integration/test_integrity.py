"""A statement PostgreSQL refuses for a constraint, raised as the error the repository names."""

import unittest

from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from shallot_runtime.integrity import referenced_as, refusals_as
from tests.support.postgres import shared_postgres


class Taken(Exception):
    pass


class InUse(Exception):
    pass


class IntegrityTest(unittest.TestCase):
    def setUp(self):
        engine = create_engine(shared_postgres().url())
        self.addCleanup(engine.dispose)
        self.connection = engine.connect()
        self.addCleanup(self.connection.close)  # the temporary tables go with the transaction
        for statement in (
            "CREATE TEMPORARY TABLE owners (id int PRIMARY KEY, email text"
            " CONSTRAINT uq_owners_email UNIQUE, CONSTRAINT ck_owners_email CHECK (email <> ''))",
            "CREATE TEMPORARY TABLE pets (id int PRIMARY KEY, owner_id int REFERENCES owners)",
            "INSERT INTO owners VALUES (1, 'a@example.com')",
            "INSERT INTO pets VALUES (1, 1)",
        ):
            self.connection.execute(text(statement))

    def run_statement(self, statement: str) -> None:
        with self.connection.begin_nested():
            self.connection.execute(text(statement))

    def test_a_named_constraint_becomes_the_error_named_for_it(self):
        with self.assertRaises(Taken) as raised, refusals_as({"uq_owners_email": Taken}):
            self.run_statement("INSERT INTO owners VALUES (2, 'a@example.com')")
        self.assertIsInstance(raised.exception.__cause__, IntegrityError)

    def test_a_constraint_not_named_stays_an_integrity_error(self):
        with self.assertRaises(IntegrityError), refusals_as({"uq_owners_email": Taken}):
            self.run_statement("INSERT INTO owners VALUES (2, '')")

    def test_deleting_a_row_still_referred_to_raises_the_refusal(self):
        with self.assertRaises(InUse), referenced_as(InUse):
            self.run_statement("DELETE FROM owners WHERE id = 1")

    def test_other_refusals_of_a_delete_stay_integrity_errors(self):
        with self.assertRaises(IntegrityError), referenced_as(InUse):
            self.run_statement("INSERT INTO owners VALUES (1, 'b@example.com')")
