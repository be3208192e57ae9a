"""The connect guard: no attempts in the cooldown after a failure, and a bounded name lookup."""

import socket
import threading
import unittest

import psycopg2

from shallot_runtime.adapters.database.connect_guard import ConnectGuard


class FakeDialect:
    """Records each connect's parameters; fails while `down` is set."""

    def __init__(self):
        self.calls = []
        self.down = False

    def connect(self, *cargs, **cparams):
        self.calls.append(cparams)
        if self.down:
            raise psycopg2.OperationalError("connection refused")
        return object()


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def resolve_to(address):
    def resolve(host, port, type):
        return [(socket.AF_INET, type, 6, "", (address, port))]

    return resolve


class ConnectGuardTest(unittest.TestCase):
    def setUp(self):
        self.dialect, self.clock = FakeDialect(), Clock()
        self.guard = ConnectGuard(
            3, cooldown_seconds=1.0, resolve=resolve_to("10.0.0.7"), monotonic=self.clock
        )

    def connect(self, host="db"):
        return self.guard.connect(self.dialect, None, [], {"host": host, "port": 5432})

    def test_the_host_name_is_looked_up_and_passed_as_hostaddr(self):
        self.connect()
        self.assertEqual(self.dialect.calls, [{"host": "db", "port": 5432, "hostaddr": "10.0.0.7"}])

    def test_addresses_and_socket_folders_are_passed_as_they_are(self):
        for host in ("127.0.0.1", "::1", "/var/run/postgresql", "a,b"):
            with self.subTest(host=host):
                self.connect(host)
                self.assertNotIn("hostaddr", self.dialect.calls[-1])

    def test_after_a_failure_attempts_fail_at_once_until_the_cooldown_ends(self):
        self.dialect.down = True
        with self.assertRaises(psycopg2.OperationalError):
            self.connect()
        self.clock.now += 0.5
        refused = "not connecting: an attempt 0.50s ago"
        with self.assertRaisesRegex(psycopg2.OperationalError, refused):
            self.connect()
        self.assertEqual(len(self.dialect.calls), 1)

        self.dialect.down = False
        self.clock.now += 0.6
        self.connect()
        self.connect()
        self.assertEqual(len(self.dialect.calls), 3)

    def test_a_lookup_without_an_answer_fails_within_the_timeout(self):
        answer = threading.Event()
        self.addCleanup(answer.set)

        def never(host, port, type):
            answer.wait(10)
            raise socket.gaierror("too late")

        guard = ConnectGuard(0.05, resolve=never, monotonic=self.clock)
        late = 'host name "db": no answer within 0.05s'
        with self.assertRaisesRegex(psycopg2.OperationalError, late):
            guard.connect(self.dialect, None, [], {"host": "db", "port": 5432})
        self.assertEqual(self.dialect.calls, [])

    def test_a_name_that_does_not_exist_fails_with_the_resolver_reason(self):
        def unknown(host, port, type):
            raise socket.gaierror(-2, "Name or service not known")

        guard = ConnectGuard(3, resolve=unknown, monotonic=self.clock)
        with self.assertRaisesRegex(psycopg2.OperationalError, "Name or service not known"):
            guard.connect(self.dialect, None, [], {"host": "nowhere", "port": 5432})
