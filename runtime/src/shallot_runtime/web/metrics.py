"""Prometheus metrics, served at /metrics: the requests, the database pool, and, read at each
scrape, readiness and the maintenance window's mode.

Requests are counted and timed by route template (`/v1/todos/<int:todo_id>`, not each id),
method and status. Under the server each worker writes its figures to files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode) and a scrape adds them all
up, so whichever worker answers it, a scrape sees the whole instance.
"""

import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.metrics import Counter, Gauge, Histogram
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool

from shallot_runtime.domain.window import MaintenanceMode
from shallot_runtime.services.ports import ReadinessProbe

METRICS = "metrics"  # the blueprint's name: the maintenance gate never refuses it
UNMATCHED = "unmatched"  # the route of a request that matched none (a 404 or 405)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ("route", "method", "status")
        self.requests = Counter("http_requests", "Requests answered", labels, registry=registry)
        self.duration = Histogram(
            "http_request_duration_seconds", "Time to answer a request", labels, registry=registry
        )
        self.in_flight = Gauge(
            "http_requests_in_flight",
            "Requests being answered",
            registry=registry,
            multiprocess_mode="livesum",  # a worker that died takes its own with it
        )


def route_label() -> str:
    """The current request's route template, so that the labels stay few."""
    return request.url_rule.rule if request.url_rule is not None else UNMATCHED


def method_label() -> str:
    return request.method if request.method in METHODS else "other"


def forget_dead_workers(directory: Path) -> None:
    """A worker that died (killed, or replaced by a reload) leaves the files of its live gauges:
    they go, or its last values would be added to the living's. Its counts stay, so that the
    totals survive it."""
    for path in directory.glob("gauge_live*_*.db"):
        pid = int(path.stem.rpartition("_")[2])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            mark_process_dead(pid, str(directory))
        except PermissionError:  # alive, another user's
            pass


class PoolMetrics:
    """The database connection pool as gauges, summed over the live workers."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.checked_out = Gauge(
            "db_pool_checked_out",
            "Connections in use",
            registry=registry,
            multiprocess_mode="livesum",  # a worker that died takes its own with it
        )
        self.overflow = Gauge(
            "db_pool_overflow",
            "Connections open beyond the pool's size",
            registry=registry,
            multiprocess_mode="livesum",
        )

    def watch(self, *engines: Engine) -> None:
        """Updates the gauges at each checkout and checkin of the engines' pools (QueuePools),
        to their sums."""
        pools = [engine.pool for engine in engines if isinstance(engine.pool, QueuePool)]

        def update(returned_to: QueuePool | None) -> None:
            # The checkin event comes just before the connection is back; a connection that
            # comes back to a full pool is closed, and the overflow shrinks instead.
            checked_out = overflow = 0
            for pool in pools:
                returning = int(pool is returned_to)
                closing = returning if pool.checkedin() >= pool.size() else 0
                checked_out += pool.checkedout() - returning
                overflow += max(pool.overflow() - closing, 0)
            self.checked_out.set(checked_out)
            self.overflow.set(overflow)

        for pool in pools:
            event.listen(pool, "checkout", lambda *_: update(returned_to=None))
            event.listen(pool, "checkin", lambda *_, pool=pool: update(returned_to=pool))


MAINTENANCE_MODES = ("off", *(mode.value for mode in MaintenanceMode))


class ServiceState:
    """Readiness and the maintenance window, as /readyz sees them, read at each scrape."""

    def __init__(self, readiness: ReadinessProbe) -> None:
        self._readiness = readiness

    def collect(self) -> Iterator[Metric]:
        readiness = self._readiness.check()
        yield GaugeMetricFamily("service_ready", "1 if /readyz answers 200", int(readiness.ready))
        window = readiness.maintenance
        mode = window.mode.value if window is not None else "off"
        modes = GaugeMetricFamily(
            "maintenance_mode", "1 for the maintenance window's mode in force", labels=["mode"]
        )
        for each in MAINTENANCE_MODES:
            modes.add_metric([each], int(each == mode))
        yield modes


def init_metrics(
    app: Flask,
    registry: CollectorRegistry,
    *,
    live: Iterable[Collector] = (),
    port: int | None = None,
) -> None:
    """Measures every request but the scrapes, and serves /metrics: the figures in `registry`
    (of every worker, in multiprocess mode) and those that `live` collects at each scrape.
    With `port`, /metrics answers only the requests that came in on that port."""
    http = HttpMetrics(registry)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    sources = [MultiProcessCollector(None) if directory else registry, *live]

    @app.before_request
    def start_measuring() -> None:
        if request.blueprint != METRICS:
            g.metrics_started = time.perf_counter()
            http.in_flight.inc()

    @app.after_request
    def measure(response: Response) -> Response:
        if "metrics_started" in g:
            labels = (route_label(), method_label(), str(response.status_code))
            http.requests.labels(*labels).inc()
            http.duration.labels(*labels).observe(time.perf_counter() - g.metrics_started)
        return response

    @app.teardown_request
    def stop_measuring(_error: BaseException | None) -> None:
        if g.pop("metrics_started", None) is not None:
            http.in_flight.dec()

    blueprint = Blueprint(METRICS, __name__)

    @blueprint.get("/metrics")
    def scrape() -> Response:
        if port is not None and request.environ.get("SERVER_PORT") != str(port):
            abort(404)
        if directory:
            forget_dead_workers(Path(directory))
        body = b"".join(generate_latest(source) for source in sources)
        return Response(body, content_type=CONTENT_TYPE_LATEST)

    app.register_blueprint(blueprint)
