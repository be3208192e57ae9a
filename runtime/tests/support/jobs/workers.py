"""Workers for the tests: in this process (a thread each, quick to start, to look into), or as
`shallot-worker` subprocesses (for signals)."""

import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import URL

from shallot_runtime.jobs import Jobs
from shallot_runtime.jobs.settings import WorkerSettings
from shallot_runtime.jobs.worker import JobWorker
from shallot_runtime.settings import DatabaseSettings
from tests.support.jobs.tasks import DATABASE_URL

RUNTIME = Path(__file__).resolve().parents[3]
# Quick to notice: a test waits for what a worker does in tenths of a second, not seconds.
QUICK = {"poll_interval": 0.1, "shutdown_timeout": 5.0, "stalled_after": 30.0, "metrics_port": 0}
START_TIMEOUT = 15.0


def database(url: URL) -> DatabaseSettings:
    return DatabaseSettings(url, timedelta(seconds=3), timedelta(seconds=10))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThreadWorker:
    """A JobWorker in a thread of this process."""

    def __init__(self, jobs: Jobs, url: URL, **settings: Any) -> None:
        options = {**QUICK, **settings}
        tracer_provider = options.pop("tracer_provider", None)
        self.worker = JobWorker(
            jobs, WorkerSettings(**options), database(url), tracer_provider=tracer_provider
        )
        self._thread = threading.Thread(target=self.worker.run, name="test-worker", daemon=True)

    def __enter__(self) -> JobWorker:
        self._thread.start()
        if not self.worker.started.wait(START_TIMEOUT):
            raise AssertionError(f"the worker did not start within {START_TIMEOUT}s")
        return self.worker

    def __exit__(self, *_exc_info: object) -> None:
        self.worker.stop()
        self._thread.join(30)


class ProcessWorker:
    """`shallot-worker tests.support.jobs.tasks:jobs` in a subprocess, its output kept."""

    def __init__(self, url: URL, **environment: str) -> None:
        self.url = url
        self.output: list[str] = []
        self.environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(RUNTIME / "src"), str(RUNTIME)]),
            "APP_ENV": "test",
            "POSTGRES_HOST": url.host or "",
            "POSTGRES_PORT": str(url.port),
            "POSTGRES_USER": url.username or "",
            "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_DB": url.database or "",
            DATABASE_URL: url.render_as_string(hide_password=False),
            "WORKER_POLL_INTERVAL": "0.1",
            "WORKER_METRICS_PORT": "0",
            **environment,
        }
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> "ProcessWorker":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "shallot_runtime.jobs.cli",
                "tests.support.jobs.tasks:jobs",
                "--settings",
                "tests.support.jobs.tasks:Settings",
            ],
            cwd=RUNTIME,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def signal(self, signum: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def logged(self, text: str) -> bool:
        return any(text in line for line in list(self.output))

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
