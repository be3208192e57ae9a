"""/metrics under gunicorn with two workers: one scrape counts the requests of every worker,
and those of a worker that was killed, after gunicorn replaced it."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from src.dependency_container import PROJECT_ROOT
from tests.support.database import DatabaseTestCase
from tests.support.postgres import shared_postgres

N = 60
LISTED = {"route": "/v1/todos", "method": "GET", "status": "200"}


class MetricsUnderGunicornTest(DatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.metrics_dir = Path(tempfile.mkdtemp(prefix="metrics-"))
        self.addCleanup(shutil.rmtree, self.metrics_dir, ignore_errors=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            address = f"127.0.0.1:{probe.getsockname()[1]}"
        self.base = f"http://{address}"
        environ = {
            **os.environ,
            **shared_postgres().environ(),
            "GUNICORN_WORKERS": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
        }
        self.log = self.enterContext(tempfile.TemporaryFile())
        command = ["gunicorn", "--config", "deploy/gunicorn.conf.py", "--bind", address]
        self.gunicorn = subprocess.Popen(
            [sys.executable, "-m", *command, "src.app:app"],
            cwd=PROJECT_ROOT,
            env=environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.addCleanup(self.stop_gunicorn)
        self.wait_for(lambda: len(self.workers()) == 2 and self.status("/healthz") == 200)

    def test_one_scrape_counts_every_workers_requests_a_killed_ones_too(self):
        sent = 0
        while len(list(self.metrics_dir.glob("counter_*.db"))) < 2 and sent < 10 * N:
            self.send(N)  # until both workers have served some: which one accepts is the kernel's
            sent += N
        self.assertEqual(len(list(self.metrics_dir.glob("counter_*.db"))), 2, "both served")
        self.assertEqual(self.listed_count(), sent)

        killed = self.workers()[0]
        os.kill(killed, signal.SIGKILL)
        self.wait_for(lambda: len(set(self.workers()) - {killed}) == 2)
        self.send(N)
        self.assertEqual(self.listed_count(), sent + N)
        # gunicorn's child_exit hook removed the dead worker's gauges (in flight, the pool).
        self.assertEqual(list(self.metrics_dir.glob(f"gauge_live*_{killed}.db")), [])

    def send(self, count: int) -> None:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: self.status("/v1/todos"), range(count)))
        self.assertEqual(statuses, [200] * count)

    def listed_count(self) -> float:
        with urllib.request.urlopen(self.base + "/metrics", timeout=5) as response:
            text = response.read().decode()
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "http_requests_total" and sample.labels == LISTED
        )

    def status(self, path: str) -> int | None:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def workers(self) -> list[int]:
        pid = self.gunicorn.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(child) for child in children.read_text().split()] if children.exists() else []

    def wait_for(self, condition, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline or self.gunicorn.poll() is not None:
                self.log.seek(0)
                self.fail(f"gunicorn did not get there:\n{self.log.read().decode()[-3000:]}")
            time.sleep(0.2)

    def stop_gunicorn(self) -> None:
        self.gunicorn.terminate()
        try:
            self.gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.gunicorn.kill()
            self.gunicorn.wait()
