"""Metrics and traces, wired into the app: Prometheus at /metrics, OpenTelemetry by OTEL_*.

What /metrics serves: the requests (src.api.metrics), the database pool
(src.infrastructure.pool_metrics), and, read at each scrape, readiness and the maintenance
window's mode. Traces: see src.tracing.
"""

from collections.abc import Iterator

from flask import Flask
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from shallot_runtime import MaintenanceMode, Operations

from src.api.metrics import init_metrics
from src.config import Config
from src.infrastructure.pool_metrics import PoolMetrics
from src.tracing import instrument

MAINTENANCE_MODES = ("off", *(mode.value for mode in MaintenanceMode))


def init_observability(app: Flask, config: Config, operations: Operations) -> None:
    if config.metrics_enabled:
        registry = CollectorRegistry()
        PoolMetrics(registry).watch(*operations.engines)
        live = [ServiceState(operations)]
        init_metrics(app, registry, live=live, port=config.metrics_port)
    instrument(app, *operations.engines)


class ServiceState:
    """Readiness and the maintenance window, as /readyz sees them, read at each scrape."""

    def __init__(self, operations: Operations) -> None:
        self._operations = operations

    def collect(self) -> Iterator[Metric]:
        readiness = self._operations.readiness.check()
        yield GaugeMetricFamily("service_ready", "1 if /readyz answers 200", int(readiness.ready))
        window = readiness.maintenance
        mode = window.mode.value if window is not None else "off"
        modes = GaugeMetricFamily(
            "maintenance_mode", "1 for the maintenance window's mode in force", labels=["mode"]
        )
        for each in MAINTENANCE_MODES:
            modes.add_metric([each], int(each == mode))
        yield modes
