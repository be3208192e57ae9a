"""Ending a session never turns a finished response into an error."""

import unittest

from sqlalchemy.exc import OperationalError

from shallot_runtime.adapters.database.engine import end_session


class Session:
    def __init__(self, broken):
        self.broken = broken
        self.closed = False

    def close(self):
        if self.broken:
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))
        self.closed = True


class EndSessionTest(unittest.TestCase):
    def test_a_healthy_session_is_closed(self):
        session = Session(broken=False)
        end_session(session)
        self.assertTrue(session.closed)

    def test_a_session_whose_database_went_away_is_dropped_and_logged(self):
        with self.assertLogs("shallot_runtime.adapters.database.engine", "WARNING") as logs:
            end_session(Session(broken=True))
        self.assertIn("OperationalError", logs.output[0])
