"""The worker as a live instance of the service, from a thread of its own: it reads the
maintenance window several times a second and hands it to the worker's gate, and it reports
a heartbeat with the window it has acknowledged, in the same table as the app's instances. The
migrator waits for every live instance to acknowledge its window before it migrates: a worker
acknowledges only once it runs nothing the window forbids (see `rules`), so the wait covers
the jobs in hand. When the database goes away, the last window read stays in force.
"""

import itertools
import logging
import threading
from datetime import datetime

from sqlalchemy import URL, Connection, create_engine
from sqlalchemy.exc import ProgrammingError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from shallot_runtime.adapters.postgres.identity import instance_name
from shallot_runtime.adapters.postgres.monitor import CONNECT_ARGS, HEARTBEAT_SECONDS
from shallot_runtime.adapters.postgres.store import forget_instance, read_window, report_seen
from shallot_runtime.adapters.postgres.tables import ensure_tables
from shallot_runtime.domain.window import MaintenanceMode, MaintenanceWindow
from shallot_runtime.jobs.gate import WorkerGate
from shallot_runtime.jobs.rules import in_force
from shallot_runtime.services.ports import Clock

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how stale the worker's window may be, at most, while the database answers
RECONNECT_SECONDS = 1.0
APPLICATION_NAME = "shallot-worker-window"
_NOT_YET = object()  # nothing reported yet
_workers_here = itertools.count(1)


class WindowWatch:
    def __init__(
        self, url: URL | str, gate: WorkerGate, clock: Clock, poll_seconds: float = POLL_SECONDS
    ) -> None:
        self._gate = gate
        self._clock = clock
        self._poll_seconds = poll_seconds
        connect_args = {**CONNECT_ARGS, "application_name": APPLICATION_NAME}
        self._engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-window", daemon=True)
        # One worker per process, but tests run several: the second is `worker:HOST:PID-2`.
        number = next(_workers_here)
        self.instance = f"worker:{instance_name()}" + (f"-{number}" if number > 1 else "")
        self._acknowledged: object = _NOT_YET  # the window id last reported as seen
        self._seen_at: datetime | None = None
        self._beat_at: datetime | None = None
        self._following = False  # whether a window was in force when last acknowledged
        self._waiting_for: str | None = None  # the window last said to wait for jobs in hand
        self.first_read = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stops reporting, and leaves the live instances at once."""
        self._stopping.set()
        self._gate.changed.set()
        self._thread.join(timeout=self._poll_seconds + 5)
        try:
            with self._engine.begin() as connection:
                forget_instance(connection, self.instance)
        except SQLAlchemyError:
            pass  # the database is away: the instance stops counting as live by itself
        self._engine.dispose()

    def _run(self) -> None:
        lost = False
        while not self._stopping.is_set():
            try:
                with self._engine.connect() as connection:
                    _ensure_tables(connection)
                    connection.execution_options(isolation_level="AUTOCOMMIT")
                    if lost:
                        logger.info("worker: back on the database; the window is read again")
                        lost = False
                    while not self._stopping.is_set():
                        self._refresh(connection)
                        self._gate.changed.wait(self._poll_seconds)
                        self._gate.changed.clear()
            except SQLAlchemyError as error:
                self.first_read.set()  # nothing to wait for: the last window stays in force
                if not lost:
                    logger.warning(
                        "worker: lost the database (%s); the last window read stays in force",
                        type(error).__name__,
                    )
                    lost = True
                self._stopping.wait(RECONNECT_SECONDS)

    def _refresh(self, connection: Connection) -> None:
        window = read_window(connection)
        self._gate.set_window(window)
        self.first_read.set()
        now = self._clock.now()
        window_id = window.id if window else None
        if self._gate.complies():
            if window_id != self._acknowledged:
                self._acknowledged, self._seen_at, self._beat_at = window_id, now, None
                self._log_change(in_force(window, now))
        elif window_id != self._waiting_for:
            self._waiting_for = window_id
            logger.info(
                "worker: a maintenance window began; taking no job it forbids, and acknowledging"
                " it once those of its %d job(s) in hand are done",
                len(self._gate.in_hand()),
            )
        due = self._beat_at is None or (now - self._beat_at).total_seconds() >= HEARTBEAT_SECONDS
        if due:
            acknowledged = self._acknowledged if isinstance(self._acknowledged, str) else None
            report_seen(connection, self.instance, acknowledged, self._seen_at or now, now)
            self._beat_at = now

    def _log_change(self, window: MaintenanceWindow | None) -> None:
        if window is not None:
            read_only = window.mode is MaintenanceMode.READ_ONLY
            allowed = "the read-only queues' jobs only" if read_only else "no job"
            logger.info(
                "worker: in the maintenance window (%s, %s): taking %s",
                window.mode.value,
                window.reason,
                allowed,
            )
        elif self._following:
            logger.info("worker: the maintenance window is over; taking every job again")
        self._following = window is not None


def _ensure_tables(connection: Connection) -> None:
    try:
        ensure_tables(connection)
    except ProgrammingError as error:  # e.g. no CREATE privilege: the migrator creates them
        logger.warning("worker: cannot create the maintenance tables: %s", error.orig)
