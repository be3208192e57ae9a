"""/metrics under uWSGI (deploy/uwsgi.ini) with two workers: one scrape counts the requests of
every worker, and those of a worker that was killed, after uWSGI replaced it."""

import contextlib
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

sys.path.insert(0, str(PROJECT_ROOT / "deploy"))
from reload_on_change import tell

N = 60
LISTED = {"route": "/v1/todos", "method": "GET", "status": "200"}


class MetricsUnderUwsgiTest(DatabaseTestCase):
    def setUp(self):
        super().setUp()
        scratch = Path(tempfile.mkdtemp(prefix="uwsgi-"))
        self.addCleanup(shutil.rmtree, scratch, ignore_errors=True)
        self.metrics_dir = scratch / "metrics"
        self.metrics_dir.mkdir()
        self.fifo = scratch / "uwsgi.fifo"
        # The project's settings, with its socket and FIFO in a folder of the test's own: the
        # devcontainer's service has those in /tmp.
        ini = (PROJECT_ROOT / "deploy/uwsgi.ini").read_text().replace("/tmp/", f"{scratch}/")
        (scratch / "uwsgi.ini").write_text(ini)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            address = f"127.0.0.1:{probe.getsockname()[1]}"
        self.base = f"http://{address}"
        environ = {
            **os.environ,
            **shared_postgres().environ(),
            "WEB_CONCURRENCY": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
        }
        for development_only in ("METRICS_PORT", "RELOAD_ON_CHANGE"):  # the devcontainer's
            environ.pop(development_only, None)
        self.log = self.enterContext(tempfile.TemporaryFile())
        uwsgi = str(Path(sys.executable).with_name("uwsgi"))
        self.uwsgi = subprocess.Popen(
            [uwsgi, "--ini", str(scratch / "uwsgi.ini"), "--http-socket", address],
            cwd=PROJECT_ROOT,
            env=environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.addCleanup(self.stop_uwsgi)
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
        # The master replaces a dead worker at its next cycle, up to a second away, unless a
        # line on its FIFO wakes it, as deploy/reload_on_change.py wakes it.
        self.wait_for(
            lambda: len(set(self.workers()) - {killed}) == 2, nudge=lambda: tell(self.fifo, "\n")
        )
        self.send(N)
        self.assertEqual(self.listed_count(), sent + N)
        # The scrape removed the dead worker's gauges (in flight, the pool).
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
        pid = self.uwsgi.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(child) for child in children.read_text().split()] if children.exists() else []

    def wait_for(self, condition, timeout: float = 30, nudge=lambda: None) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline or self.uwsgi.poll() is not None:
                self.log.seek(0)
                self.fail(f"uWSGI did not get there:\n{self.log.read().decode()[-3000:]}")
            nudge()
            time.sleep(0.05)

    def stop_uwsgi(self) -> None:
        # Killed, master first (it replaces no worker then), then its workers: its own graceful
        # stop waits out a master cycle (a second) for nothing this test needs.
        workers = self.workers()
        self.uwsgi.kill()
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGKILL)
        self.uwsgi.wait()
