"""Which database errors count as "the database is away": a retry can help, not a bug."""

import unittest

import psycopg2
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from src.infrastructure.databases.availability import is_database_unavailable


def wrapped(kind, original=None, invalidated=False):
    return kind("SELECT 1", {}, original or psycopg2.Error("x"), connection_invalidated=invalidated)


class DatabaseAvailabilityTest(unittest.TestCase):
    def test_connection_failures_and_timeouts_mean_unavailable(self):
        for error in (
            wrapped(OperationalError),
            wrapped(InterfaceError),
            PoolTimeoutError("QueuePool limit reached"),
            wrapped(DBAPIError, invalidated=True),
        ):
            with self.subTest(error=type(error).__name__):
                self.assertTrue(is_database_unavailable(error))

    def test_bugs_and_bad_data_are_not(self):
        for error in (wrapped(IntegrityError), wrapped(ProgrammingError), ValueError("x")):
            with self.subTest(error=type(error).__name__):
                self.assertFalse(is_database_unavailable(error))
