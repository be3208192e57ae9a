"""Each app process's copy of the maintenance window, kept fresh by a thread of its own.

The thread holds one connection that LISTENs on the maintenance channel: a change is pushed
to it as soon as it is committed (a few milliseconds). It also reads the window every
POLL_SECONDS whatever happens, so a lost notification costs at most that much staleness.
Each read is reported back as this instance's heartbeat and acknowledgement, which is how
the migrator knows that every instance has seen its window.

The thread starts when the app is built (`Operations.init_app`), not on its first request:
an idle instance counts as live and acknowledges windows too. The server builds the app in
each worker after the fork (gunicorn without --preload); in a process forked after the
build, the thread starts again on first use, which waits for its first read and report:
either way a request is not served on a window the process has not acknowledged. When the
database goes away, the last window seen stays in force (its lease still runs out by itself)
and the thread reconnects with backoff.
"""

import atexit
import logging
import os
import select
import threading
from datetime import datetime

import psycopg2
from sqlalchemy import URL, Connection, Engine, create_engine
from sqlalchemy.exc import ProgrammingError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from shallot_runtime.adapters.database.engine import TCP_KEEPALIVE
from shallot_runtime.adapters.postgres.identity import instance_name
from shallot_runtime.adapters.postgres.store import forget_instance, read_window, report_seen
from shallot_runtime.adapters.postgres.tables import CHANNEL, ensure_tables
from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.services.ports import Clock

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # the fallback: the window is never older than this plus one query
HEARTBEAT_SECONDS = 1.0
FIRST_READ_WAIT_SECONDS = 2.0  # how long the first request waits for the first read
RECONNECT_DELAYS = (0.25, 0.5, 1.0, 2.0, 5.0)
CONNECT_ARGS = {
    "connect_timeout": 5,
    "application_name": "shallot-maintenance-monitor",
    "options": "-c statement_timeout=2000",
    **TCP_KEEPALIVE,
    "tcp_user_timeout": 5000,
}


class MaintenanceMonitor:
    def __init__(self, url: URL | str, clock: Clock, poll_seconds: float = POLL_SECONDS) -> None:
        self._url = url
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._window: MaintenanceWindow | None = None
        self._owner_pid: int | None = None
        self._start_lock = threading.Lock()
        self._stopping = threading.Event()
        self._first_read = threading.Event()
        self._thread: threading.Thread | None = None
        self._engine: Engine | None = None
        self._seen: tuple[str | None, datetime] | None = None  # window id, and when first seen
        self._beat_at: datetime | None = None
        self._connected = False
        self._outage = False
        self.instance = ""

    def current(self) -> MaintenanceWindow | None:
        if self._owner_pid != os.getpid():
            self.start()
        if not self._first_read.is_set():
            self._first_read.wait(FIRST_READ_WAIT_SECONDS)
        return self._window

    def start(self, wait: bool = True) -> None:
        """Starts the thread in this process (again after a fork); with `wait`, waits for its
        first read (FIRST_READ_WAIT_SECONDS at most)."""
        with self._start_lock:
            if self._owner_pid != os.getpid():
                self._owner_pid = os.getpid()
                self.instance = instance_name()
                self._stopping = threading.Event()
                self._first_read = threading.Event()
                self._seen = self._beat_at = None
                self._engine = create_engine(
                    self._url, poolclass=NullPool, connect_args=CONNECT_ARGS
                )
                self._thread = threading.Thread(
                    target=self._run, name="maintenance-monitor", daemon=True
                )
                self._thread.start()
                atexit.register(self.stop)
        if wait:
            self._first_read.wait(FIRST_READ_WAIT_SECONDS)

    def stop(self) -> None:
        """Stops the thread and removes this instance from the live ones; safe to call twice."""
        with self._start_lock:
            if self._owner_pid != os.getpid() or self._thread is None or self._engine is None:
                return
            self._stopping.set()
            self._thread.join(timeout=self._poll_seconds + 3)
            try:
                with self._engine.begin() as connection:
                    forget_instance(connection, self.instance)
            except SQLAlchemyError:
                pass  # the database is away; the instance stops counting as live by itself
            self._engine.dispose()
            self._owner_pid = None
            atexit.unregister(self.stop)

    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            self._connected = False
            try:
                self._watch()
            except (SQLAlchemyError, psycopg2.Error, OSError, ValueError) as error:
                self._first_read.set()  # requests must not wait on a database that is away
                if self._connected:
                    failures = 0
                if failures == 0:
                    self._outage = True
                    logger.warning(
                        "maintenance monitor: lost the database (%s); the last window seen"
                        " stays in force while it reconnects",
                        type(error).__name__,
                    )
                self._stopping.wait(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
                failures += 1

    def _watch(self) -> None:
        """One connection's life: LISTEN, then read on every notification or poll tick."""
        engine = self._engine
        if engine is None:
            return
        with engine.connect() as connection:
            _ensure_tables(connection)
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql(f"LISTEN {CHANNEL}")
            listener = connection.connection.dbapi_connection
            if self._outage:
                self._outage = False
                logger.info("maintenance monitor: back on the database")
            self._refresh(connection)
            self._connected = True
            while not self._stopping.is_set():
                if not listener.notifies:
                    readable, _, _ = select.select([listener], [], [], self._poll_seconds)
                    if readable:
                        listener.poll()
                listener.notifies.clear()  # one read covers every change announced so far
                self._refresh(connection)

    def _refresh(self, connection: Connection) -> None:
        window = read_window(connection)
        now = self._clock.now()
        window_id = window.id if window else None
        if self._seen is None or self._seen[0] != window_id:
            if window is not None or self._seen is not None:
                _log_change(window)
            self._seen = (window_id, now)
            self._beat_at = None  # acknowledge at once
        self._window = window
        if self._beat_at is None or (now - self._beat_at).total_seconds() >= HEARTBEAT_SECONDS:
            report_seen(connection, self.instance, window_id, self._seen[1], now)
            self._beat_at = now
        self._first_read.set()  # after the report: a served request implies an acknowledgement


def _ensure_tables(connection: Connection) -> None:
    try:
        ensure_tables(connection)
    except ProgrammingError as error:  # e.g. no CREATE privilege: the migrator will create them
        logger.warning("maintenance monitor: cannot create the maintenance tables: %s", error.orig)


def _log_change(window: MaintenanceWindow | None) -> None:
    if window is None:
        logger.info("maintenance window: closed")
    else:
        logger.info(
            "maintenance window: %s until %s (%s), held by %s",
            window.mode.value,
            window.expires_at.isoformat(),
            window.reason,
            window.holder,
        )
