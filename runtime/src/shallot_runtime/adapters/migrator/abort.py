"""Stopping a run cleanly: on SIGTERM (or Ctrl-C) the statement in flight is cancelled, its
migration's transaction rolls back, and the window is closed as `aborted`.

Python handles signals in the main thread only, and never while that thread waits inside
libpq for a statement. So the run works in a thread of its own, the main thread only waits
and handles signals, and the handler cancels the statements in flight (libpq's cancel
request is made for exactly that, from another thread).
"""

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from shallot_runtime.adapters.migrator.errors import MigrationAborted

T = TypeVar("T")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Abort:
    """Raised at the run's next step, and cancelling the statements it registered."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[Any] = set()
        self.reason = ""

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def request(self, reason: str) -> None:
        with self._lock:
            if not self._event.is_set():
                self.reason = reason
                self._event.set()
            connections = list(self._connections)
        for connection in connections:
            connection.cancel()

    def check(self) -> None:
        if self._event.is_set():
            raise MigrationAborted(self.reason)

    def sleep(self, seconds: float) -> None:
        """Sleeps, unless told to stop first."""
        if self._event.wait(seconds):
            raise MigrationAborted(self.reason)

    @contextmanager
    def cancels(self, dbapi_connection: Any) -> Iterator[None]:
        """While inside, a request cancels whatever this (psycopg2) connection is running."""
        self.check()
        with self._lock:
            self._connections.add(dbapi_connection)
        try:
            yield
        finally:
            with self._lock:
                self._connections.discard(dbapi_connection)


def run_until_signalled(work: Callable[[Abort], T]) -> T:
    """Runs `work` in a thread; SIGTERM and SIGINT ask it to abort. Returns or raises as it does."""
    abort = Abort()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = work(abort)
        except BaseException as error:  # handed over to the main thread below
            outcome["error"] = error

    def on_signal(signum: int, _frame: object) -> None:
        abort.request(f"received {signal.Signals(signum).name}")

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    try:
        worker = threading.Thread(target=target, name="migrator", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
