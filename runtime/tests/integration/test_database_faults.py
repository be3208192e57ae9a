"""The database away or too slow: requests get 503 with Retry-After, never a 500 or a hang."""

import socket
import time
import unittest
from datetime import timedelta
from unittest import mock

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from shallot_runtime import Operations
from shallot_runtime.adapters.database import engine as engine_module
from shallot_runtime.adapters.database.engine import create_database_engine, release_connection
from shallot_runtime.testing import FixedWindows
from tests.project import PROJECT_ROOT
from tests.support.app import create_test_app
from tests.support.own_database import OwnDatabaseTestCase
from tests.support.postgres import shared_postgres


def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FaultTestCase(unittest.TestCase):
    def client_for(self, url, **settings):
        operations = Operations(url, project_root=PROJECT_ROOT, windows=FixedWindows(), **settings)
        self.addCleanup(operations.close)
        app = create_test_app(operations)
        app.testing = False  # errors go to the handlers, as in production
        return app.test_client()

    def assertUnavailable(self, response):
        self.assertEqual(response.status_code, 503, response.get_data(as_text=True))
        self.assertEqual(response.json["error"]["code"], "database_unavailable")
        self.assertEqual(response.headers["Retry-After"], "5")


class UnreachableDatabaseTest(FaultTestCase):
    def test_every_database_request_is_503_and_the_process_stays_alive(self):
        url = shared_postgres().url().set(host="127.0.0.1", port=closed_port())
        client = self.client_for(url)
        with self.assertLogs("shallot_runtime.flask", "WARNING"):
            self.assertUnavailable(client.get("/answer"))
            self.assertUnavailable(client.get("/answer"))
        ready = client.get("/readyz")
        self.assertEqual(ready.status_code, 503)
        self.assertEqual(ready.json["error"]["details"]["checks"]["database"], "unreachable")
        self.assertEqual(client.get("/healthz").status_code, 200)


class SlowDatabaseTest(FaultTestCase, OwnDatabaseTestCase):
    def test_a_statement_past_the_timeout_is_503_then_the_next_request_works(self):
        client = self.client_for(self.url, statement_timeout=timedelta(seconds=1))
        self.assertEqual(client.get("/answer").json, {"answer": 42})
        engine = create_engine(self.url)
        self.addCleanup(engine.dispose)
        with engine.connect() as blocker:
            blocker.execute(text("LOCK TABLE todos IN ACCESS EXCLUSIVE MODE"))
            # The query waits on the lock: through a statement of the test app's own.
            app = client.application
            app.view_functions["things.answer"] = lambda: _count_todos(app)
            with self.assertLogs("shallot_runtime.flask", "WARNING"):
                self.assertUnavailable(client.get("/answer"))
            blocker.rollback()
        self.assertEqual(client.get("/answer").json, {"todos": 0})


def _count_todos(app):
    operations = app.extensions["shallot_runtime"]
    with operations.engine.connect() as connection:
        return {"todos": connection.scalar(text("SELECT count(*) FROM todos"))}


class DroppingTestCase(OwnDatabaseTestCase):
    """Drops connections from the database's side, as a restart or a proxy's timeout does."""

    def setUp(self):
        super().setUp()
        self.admin = create_engine(self.url)
        self.addCleanup(self.admin.dispose)

    def drop(self, backend):
        with self.admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})


class BrokenConnectionTest(DroppingTestCase):
    """A unit of work's connection, or session, whose database connection died after its last
    statement: released quietly, and the next one works."""

    def setUp(self):
        super().setUp()
        self.engine = create_database_engine(self.url)
        self.addCleanup(self.engine.dispose)

    def test_a_connection_is_released_quietly(self):
        connection = self.engine.connect()
        self.drop(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
        with self.assertLogs("shallot_runtime.adapters.database.engine", "WARNING"):
            release_connection(connection)
        with self.engine.connect() as next_connection:
            self.assertEqual(next_connection.execute(text("SELECT 1")).scalar_one(), 1)

    def test_a_session_is_released_quietly(self):
        session = Session(self.engine)
        self.drop(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
        with self.assertLogs("shallot_runtime.adapters.database.engine", "WARNING"):
            release_connection(session)
        with Session(self.engine) as next_session:
            self.assertEqual(next_session.execute(text("SELECT 1")).scalar_one(), 1)


class DroppedConnectionTest(DroppingTestCase):
    """A pooled connection the database dropped (a restart, a proxy's idle timeout)."""

    def engine_checking_after(self, idle):
        with mock.patch.object(engine_module, "IDLE_BEFORE_CHECK", idle):
            engine = create_database_engine(self.url)
        self.addCleanup(engine.dispose)
        return engine

    def test_one_idle_past_the_limit_is_checked_and_replaced_before_use(self):
        engine = self.engine_checking_after(timedelta(seconds=0.2))
        dropped = _backend(engine)
        self.drop(dropped)
        time.sleep(0.5)
        self.assertNotEqual(_backend(engine), dropped)

    def test_one_used_within_the_limit_is_not_checked_and_its_failure_empties_the_pool(self):
        engine = self.engine_checking_after(timedelta(minutes=5))
        with engine.connect() as first, engine.connect() as second:
            backends = [
                c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in (first, second)
            ]
        for backend in backends:
            self.drop(backend)
        with self.assertRaises(OperationalError):
            _backend(engine)
        # The failure invalidated every pooled connection made before it: the other one too.
        self.assertNotIn(_backend(engine), backends)


def _backend(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
