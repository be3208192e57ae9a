"""Ending a request's session never turns a finished response into an error."""

import unittest

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import scoped_session

from src.infrastructure.databases.engine import end_session


class Session:
    _is_asyncio = False  # what scoped_session asks of a session

    def __init__(self, broken):
        self.broken = broken
        self.closed = False

    def close(self):
        if self.broken:
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))
        self.closed = True


class EndSessionTest(unittest.TestCase):
    def test_a_healthy_session_is_closed(self):
        sessions = scoped_session(lambda: Session(broken=False))
        session = sessions()
        end_session(sessions)
        self.assertTrue(session.closed)
        self.assertIsNot(sessions(), session)

    def test_a_session_whose_database_went_away_is_dropped_and_logged(self):
        sessions = scoped_session(lambda: Session(broken=True))
        session = sessions()
        with self.assertLogs("src.infrastructure.databases.engine", "WARNING") as logs:
            end_session(sessions)
        self.assertIn("OperationalError", logs.output[0])
        self.assertIsNot(sessions(), session)
