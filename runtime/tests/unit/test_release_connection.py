"""Releasing a unit of work's connection never turns a finished response into an error."""

import unittest

from sqlalchemy.exc import OperationalError

from shallot_runtime.adapters.database.engine import end_session, release_connection


class Connection:
    def __init__(self, broken):
        self.broken = broken
        self.closed = False

    def close(self):
        if self.broken:
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))
        self.closed = True


class ReleaseConnectionTest(unittest.TestCase):
    def test_a_healthy_connection_is_closed(self):
        connection = Connection(broken=False)
        release_connection(connection)
        self.assertTrue(connection.closed)

    def test_a_connection_whose_database_went_away_is_dropped_and_logged(self):
        with self.assertLogs("shallot_runtime.adapters.database.engine", "WARNING") as logs:
            release_connection(Connection(broken=True))
        self.assertIn("OperationalError", logs.output[0])

    def test_projects_made_before_0_3_end_their_session_with_it(self):
        self.assertIs(end_session, release_connection)
