"""Development (RELOAD_ON_CHANGE): the worker runs in a child process, and a new one replaces it
as soon as a Python file under src/ is saved, added or removed. The old one stops as on
SIGTERM: it finishes its jobs, or hands them back. A child whose code does not load exits; the
next save starts another."""

import logging
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

from shallot_runtime.code_changes import code_versions

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2
CHILD = "SHALLOT_WORKER_CHILD"  # set in the child's environment: it does not watch


class Reloader:
    def __init__(self, command: Sequence[str], code: Path, stop_timeout: float) -> None:
        self._command = list(command)
        self._code = code
        self._stop_timeout = stop_timeout
        self._stopping = threading.Event()
        self._forward: int | None = None  # the signal to pass on to the child, if any
        self._child: subprocess.Popen[bytes] | None = None

    def run(self, *, handle_signals: bool = True) -> int:
        """Until SIGTERM or SIGINT (or `stop`), which it passes on; returns the last child's
        exit code."""
        if handle_signals:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        seen = code_versions(self._code)
        self._start()
        while not self._stopping.wait(POLL_SECONDS):
            current = code_versions(self._code)
            if current != seen:
                seen = current
                logger.info("worker: code changed under %s; starting a new worker", self._code)
                self._end_child(signal.SIGTERM)
                self._start()
            elif self._child is not None and self._child.poll() is not None:
                logger.warning(
                    "worker: exited with code %d; a save under %s starts it again",
                    self._child.returncode,
                    self._code,
                )
                self._child = None
        return self._end_child(self._forward)

    def _start(self) -> None:
        environment = {**os.environ, CHILD: "1"}
        self._child = subprocess.Popen(self._command, env=environment)  # noqa: S603 - ours

    def _end_child(self, signum: int | None) -> int:
        child, self._child = self._child, None
        if child is None:
            return 0
        if signum is not None and child.poll() is None:
            child.send_signal(signum)
        try:
            return child.wait(self._stop_timeout + 5)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()

    def stop(self, signum: int = signal.SIGTERM) -> None:
        self._forward = signum
        self._stopping.set()

    @property
    def child_pid(self) -> int | None:
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stop(signum)
