"""The worker's /metrics and /healthz, on WORKER_METRICS_PORT.

Counted by this worker, by task: jobs done, failed (for good) and retried (after a failure,
cut off by a kill, or handed back at shutdown), and how long they ran. Read from procrastinate's
tables at each scrape, for the whole database: the jobs waiting in each queue, and how long the
oldest of them has waited since it was due. And this worker's own state: the jobs in its hands
and the maintenance window it follows.
"""

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.metrics import Counter, Histogram
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from shallot_runtime.jobs.gate import WorkerGate
from shallot_runtime.web.metrics import MAINTENANCE_MODES

logger = logging.getLogger(__name__)

# The jobs due and waiting, by queue: how many, and the age of the oldest since it was due (its
# scheduled time, or when it was deferred). One scan of the waiting jobs, by their index.
WAITING = text(
    """
    SELECT job.queue_name AS queue,
           count(*) AS waiting,
           extract(epoch FROM now() - min(coalesce(job.scheduled_at, deferred.at))) AS oldest
      FROM procrastinate_jobs AS job
      LEFT JOIN procrastinate_events AS deferred
        ON deferred.job_id = job.id AND deferred.type = 'deferred'
     WHERE job.status = 'todo' AND (job.scheduled_at IS NULL OR job.scheduled_at <= now())
     GROUP BY job.queue_name
    """
)
UNRESPONSIVE_AFTER = 10.0  # seconds without a beat from the worker's event loop: /healthz 503


class JobMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ("task",)
        self.done = Counter("jobs_done", "Jobs that ran to the end", labels, registry=registry)
        self.failed = Counter(
            "jobs_failed", "Jobs that failed and will not run again", labels, registry=registry
        )
        self.retried = Counter(
            "jobs_retried",
            "Jobs put back in their queue: failed with retries left, cut off, or handed back",
            labels,
            registry=registry,
        )
        self.duration = Histogram(
            "job_duration_seconds", "How long jobs ran", labels, registry=registry
        )


class QueueState:
    """The queues and this worker's state, read at each scrape."""

    def __init__(self, engine: Engine, gate: WorkerGate) -> None:
        self._engine = engine
        self._gate = gate

    def collect(self) -> Iterator[Metric]:
        waiting = GaugeMetricFamily(
            "jobs_waiting", "Jobs due and waiting for a worker", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "jobs_oldest_waiting_seconds",
            "How long the oldest due job has waited",
            labels=["queue"],
        )
        try:
            with self._engine.connect() as connection:
                rows = connection.execute(WAITING).all()
        except SQLAlchemyError as error:
            logger.warning("metrics: cannot read the queues (%s)", type(error).__name__)
            rows = None
        if rows is not None:
            for row in rows:
                waiting.add_metric([row.queue], row.waiting)
                oldest.add_metric([row.queue], max(float(row.oldest or 0), 0.0))
            yield waiting
            yield oldest
        yield GaugeMetricFamily(
            "jobs_queues_readable", "1 if this scrape could read the queues", int(rows is not None)
        )
        yield GaugeMetricFamily("jobs_in_hand", "Jobs this worker runs", len(self._gate.in_hand()))
        window = self._gate.window()
        mode = window.mode.value if window is not None else "off"
        modes = GaugeMetricFamily(
            "maintenance_mode", "1 for the maintenance window's mode in force", labels=["mode"]
        )
        for each in MAINTENANCE_MODES:
            modes.add_metric([each], int(each == mode))
        yield modes


class Liveness:
    """The worker's event loop beats here; /healthz answers 503 once it has been silent too
    long, and reports the state the worker says it is in."""

    def __init__(self) -> None:
        self.state = "starting"
        self._beat = time.monotonic()

    def beat(self) -> None:
        self._beat = time.monotonic()

    def alive(self) -> bool:
        return time.monotonic() - self._beat < UNRESPONSIVE_AFTER


class MetricsServer:
    """/metrics and /healthz over HTTP, from a thread of its own."""

    def __init__(
        self, port: int, registry: CollectorRegistry, liveness: Liveness, gate: WorkerGate
    ) -> None:
        handler = _handler(registry, liveness, gate)
        self._server = ThreadingHTTPServer(("0.0.0.0", port), handler)  # noqa: S104 - scraped
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="worker-metrics", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(
    registry: CollectorRegistry, liveness: Liveness, gate: WorkerGate
) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name for it
            if self.path.split("?")[0] == "/metrics":
                self._answer(200, CONTENT_TYPE_LATEST, generate_latest(registry))
            elif self.path.split("?")[0] == "/healthz":
                alive = liveness.alive()
                body: dict[str, Any] = {"status": "ok" if alive else "unresponsive"}
                body["state"] = liveness.state
                window = gate.window()
                body["maintenance"] = window.mode.value if window is not None else "off"
                self._answer(200 if alive else 503, "application/json", json.dumps(body).encode())
            else:
                self._answer(404, "text/plain", b"not found\n")

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # scrapes and probes are not worth a line each

    return Handler
