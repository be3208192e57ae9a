"""/metrics under real gunicorn, with the runtime's configuration and two worker processes: one
scrape adds up the requests of every worker, of a worker that was killed too, and drops the
live gauges (requests in flight) of the killed one."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.served_app import HOLD_PID_FILE

RUNTIME_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
BATCH = 40
LISTED = {"route": "/v1/things", "method": "GET", "status": "200"}
DEADLINE_SECONDS = 20


@dataclass
class Served:
    process: subprocess.Popen
    base: str
    metrics_dir: Path
    hold_pid_file: Path
    log: Path

    def workers(self) -> set[int]:
        """The master's child processes, from /proc."""
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(stat.read_text().rpartition(")")[2].split()[1]) == self.process.pid:
                    found.add(int(stat.parent.name))
        return found

    def status(self, path: str) -> int | None:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def send(self, count: int) -> None:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: self.status("/v1/things"), range(count)))
        assert statuses == [200] * count

    def scrape(self) -> dict[tuple[str, frozenset], float]:
        with urllib.request.urlopen(self.base + "/metrics", timeout=5) as response:
            text = response.read().decode()
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def listed(self) -> float:
        return self.scrape().get(("http_requests_total", frozenset(LISTED.items())), 0)

    def in_flight(self) -> float:
        return self.scrape()[("http_requests_in_flight", frozenset())]

    def counted_by(self) -> set[int]:
        """The workers, dead or alive, that have counted requests."""
        return {int(path.stem.rpartition("_")[2]) for path in self.metrics_dir.glob("counter_*")}

    def wait_for(self, condition: Callable[[], object], what: str) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not condition():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log.read_text(errors="replace")[-3000:]
                pytest.fail(f"gunicorn: no {what} within {DEADLINE_SECONDS} s:\n{log}")
            time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path) -> Iterator[Served]:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    port = free_port()
    environ = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "WEB_CONCURRENCY": str(WORKERS),
        "SHALLOT_RUN_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
        HOLD_PID_FILE: str(tmp_path / "held.pid"),
    }
    for not_ours in ("GUNICORN_CMD_ARGS", "RELOAD_ON_CHANGE", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        environ.pop(not_ours, None)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn"),
                *("--config", "python:shallot_runtime.serving.gunicorn_config"),
                # Plain HTTP on a TCP port of the test's, where the server has nginx in front.
                *("--bind", f"127.0.0.1:{port}", "--protocol", "http"),
                *("--workers", str(WORKERS)),
                "tests.support.served_app:app",
            ],
            cwd=RUNTIME_ROOT,
            env=environ,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    served = Served(process, f"http://127.0.0.1:{port}", metrics_dir, tmp_path / "held.pid", log)
    try:
        served.wait_for(
            lambda: len(served.workers()) == WORKERS and served.status("/healthz") == 200,
            "two workers answering",
        )
        yield served
    finally:
        # Killed, master first (it replaces no worker then), then its workers.
        workers = served.workers()
        process.kill()
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGKILL)
        process.wait(timeout=10)


def send_until_every_worker_has_counted(served: Served) -> int:
    """Requests, until each worker has answered some (which one accepts is the kernel's)."""
    sent = 0
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not served.workers() <= served.counted_by():
        assert time.monotonic() < deadline, "one worker answered every request"
        served.send(BATCH)
        sent += BATCH
    return sent


def test_one_scrape_counts_the_requests_of_every_worker(served):
    sent = send_until_every_worker_has_counted(served)
    assert len(served.counted_by()) == WORKERS
    for _ in range(3):  # whichever worker answers the scrape
        assert served.listed() == sent
    assert served.in_flight() == 0


def test_a_killed_workers_counts_stay_and_its_requests_in_flight_go(served):
    sent = send_until_every_worker_has_counted(served)
    held = threading.Thread(target=served.status, args=("/test-only/hold",), daemon=True)
    held.start()
    served.wait_for(served.hold_pid_file.exists, "held request")
    killed = int(served.hold_pid_file.read_text())
    assert served.in_flight() == 1  # the held request, seen from whichever worker scrapes

    os.kill(killed, signal.SIGKILL)
    served.wait_for(
        lambda: killed not in (workers := served.workers()) and len(workers) == WORKERS,
        "replacement of the killed worker",
    )
    held.join(timeout=5)
    served.send(BATCH)

    assert killed in served.counted_by()
    assert served.listed() == sent + BATCH
    assert served.in_flight() == 0
    assert list(served.metrics_dir.glob(f"gauge_live*_{killed}.db")) == []
