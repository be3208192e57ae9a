"""The database away or too slow: requests get 503 with Retry-After, never a 500 or a hang."""

import socket
import unittest

from sqlalchemy import text

from src.create_app import create_app
from src.dependency_container import build_container
from src.infrastructure.databases.engine import (
    create_database_engine,
    create_scoped_sessions,
    end_session,
)
from tests.support.app import make_config
from tests.support.database import DatabaseTestCase
from tests.support.postgres import shared_postgres


def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FaultTestCase(unittest.TestCase):
    def client_for(self, environ):
        config = make_config(environ)
        container = build_container(config)
        self.addCleanup(container.close)
        return create_app(config, container).test_client()

    def assertUnavailable(self, response):
        self.assertEqual(response.status_code, 503, response.get_data(as_text=True))
        self.assertEqual(response.json["error"]["code"], "database_unavailable")
        self.assertEqual(response.headers["Retry-After"], "5")


class UnreachableDatabaseTest(FaultTestCase):
    def test_every_database_request_is_503_and_the_process_stays_alive(self):
        environ = {**shared_postgres().environ(), "POSTGRES_HOST": "127.0.0.1"}
        client = self.client_for({**environ, "POSTGRES_PORT": str(closed_port())})
        with self.assertLogs("src.error_handler", "WARNING"):
            self.assertUnavailable(client.get("/v1/todos"))
            self.assertUnavailable(client.get("/v1/todos/1"))
            self.assertUnavailable(client.post("/v1/todos", json={"title": "kept?"}))
        ready = client.get("/readyz")
        self.assertEqual(ready.status_code, 503)
        self.assertEqual(ready.json["error"]["details"]["checks"]["database"], "unreachable")
        self.assertEqual(client.get("/healthz").status_code, 200)


class SlowDatabaseTest(FaultTestCase, DatabaseTestCase):
    def test_a_statement_past_the_timeout_is_503_then_the_next_request_works(self):
        client = self.client_for({**shared_postgres().environ(), "DB_STATEMENT_TIMEOUT": "1"})
        self.assertEqual(client.post("/v1/todos", json={"title": "one"}).status_code, 201)
        with self.engine.connect() as blocker:
            blocker.execute(text("LOCK TABLE todos IN ACCESS EXCLUSIVE MODE"))
            with self.assertLogs("src.error_handler", "WARNING"):
                self.assertUnavailable(client.get("/v1/todos"))
            blocker.rollback()
        listed = client.get("/v1/todos")
        self.assertEqual((listed.status_code, listed.json["total"]), (200, 1))


class BrokenSessionTest(DatabaseTestCase):
    def test_a_session_whose_connection_died_after_its_last_statement_ends_quietly(self):
        engine = create_database_engine(shared_postgres().url())
        self.addCleanup(engine.dispose)
        sessions = create_scoped_sessions(engine)
        backend = sessions().execute(text("SELECT pg_backend_pid()")).scalar_one()
        with self.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        with self.assertLogs("src.infrastructure.databases.engine", "WARNING"):
            end_session(sessions)
        self.assertEqual(sessions().execute(text("SELECT 1")).scalar_one(), 1)
        end_session(sessions)
