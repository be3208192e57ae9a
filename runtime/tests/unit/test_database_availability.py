"""Which database errors count as "the database is away": a retry can help, not a bug."""

import unittest

import psycopg2
from sqlalchemy.exc import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from shallot_runtime.adapters.database.availability import UNAVAILABLE_ERRORS


def wrapped(kind, original=None):
    return kind("SELECT 1", {}, original or psycopg2.Error("x"))


class DatabaseAvailabilityTest(unittest.TestCase):
    def test_connection_failures_and_timeouts_mean_unavailable(self):
        for error in (
            wrapped(OperationalError),
            wrapped(InterfaceError),
            PoolTimeoutError("QueuePool limit reached"),
        ):
            with self.subTest(error=type(error).__name__):
                self.assertIsInstance(error, UNAVAILABLE_ERRORS)

    def test_bugs_and_bad_data_are_not(self):
        for error in (wrapped(IntegrityError), wrapped(ProgrammingError), wrapped(DataError)):
            with self.subTest(error=type(error).__name__):
                self.assertNotIsInstance(error, UNAVAILABLE_ERRORS)
