"""/metrics: requests by route template, method and status; the pool, readiness, the window."""

import os
import subprocess
import sys
import tempfile
import unittest
from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from shallot_runtime import MaintenanceWindow
from shallot_runtime.testing import FixedReadiness, FixedWindows, stand_in_operations

from src.api.metrics import forget_dead_workers
from src.create_app import create_app
from src.dependency_container import Container
from src.services.todo_service import TodoService
from tests.support.app import make_config, make_fake_app
from tests.support.fakes import FakeUnitOfWork, FixedClock


def scrape(client, **options) -> dict[tuple[str, frozenset], float]:
    """One scrape of /metrics: {(sample name, its labels): value}."""
    response = client.get("/metrics", **options)
    assert response.status_code == 200, response.status_code
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def requests(metrics, route, method, status) -> float | None:
    labels = frozenset({"route": route, "method": method, "status": str(status)}.items())
    return metrics.get(("http_requests_total", labels))


class RequestMetricsTest(unittest.TestCase):
    def setUp(self):
        self.client = make_fake_app().test_client()

    def test_requests_are_counted_by_route_template_not_by_path(self):
        for todo_id in (1, 2, 3):
            self.assertEqual(self.client.get(f"/v1/todos/{todo_id}").status_code, 404)
        self.client.post("/v1/todos", json={"title": "counted"})
        metrics = scrape(self.client)
        self.assertEqual(requests(metrics, "/v1/todos/<int:todo_id>", "GET", 404), 3)
        self.assertEqual(requests(metrics, "/v1/todos", "POST", 201), 1)
        self.assertNotIn("/v1/todos/1", str(metrics))

    def test_paths_that_match_no_route_share_one_label(self):
        self.client.get("/nowhere")
        self.client.get("/elsewhere/else")
        self.assertEqual(requests(scrape(self.client), "unmatched", "GET", 404), 2)

    def test_unknown_methods_share_one_label(self):
        self.client.open("/healthz", method="BREW")
        self.assertEqual(requests(scrape(self.client), "unmatched", "other", 405), 1)

    def test_latency_is_a_histogram_with_the_same_labels(self):
        self.client.get("/healthz")
        labels = {"route": "/healthz", "method": "GET", "status": "200"}
        count = scrape(self.client)[
            ("http_request_duration_seconds_count", frozenset(labels.items()))
        ]
        self.assertEqual(count, 1)

    def test_scrapes_are_not_counted_and_nothing_is_left_in_flight(self):
        scrape(self.client)
        metrics = scrape(self.client)
        self.assertFalse([key for key in metrics if ("route", "/metrics") in key[1]])
        self.assertEqual(metrics[("http_requests_in_flight", frozenset())], 0)

    def test_the_pool_gauges_are_served(self):
        metrics = scrape(self.client)
        self.assertEqual(metrics[("db_pool_checked_out", frozenset())], 0)
        self.assertEqual(metrics[("db_pool_overflow", frozenset())], 0)


class ServiceStateMetricsTest(unittest.TestCase):
    def app(self, mode=None, ready=True):
        clock = FixedClock()
        window = None
        if mode is not None:
            window = MaintenanceWindow.open(
                mode=mode, reason="test", holder="t", lease=timedelta(minutes=1), now=clock.now()
            )
        container = Container(
            todo_service=TodoService(FakeUnitOfWork, clock),
            operations=stand_in_operations(
                windows=FixedWindows(window), readiness=FixedReadiness(ready), clock=clock
            ),
        )
        return create_app(make_config(), container).test_client()

    def modes(self, metrics) -> dict[str, float]:
        return {
            dict(labels)["mode"]: value
            for (name, labels), value in metrics.items()
            if name == "maintenance_mode"
        }

    def test_no_window_and_ready(self):
        metrics = scrape(self.app())
        self.assertEqual(self.modes(metrics), {"off": 1, "read-only": 0, "full": 0})
        self.assertEqual(metrics[("service_ready", frozenset())], 1)

    def test_a_full_window_is_reported_and_does_not_refuse_the_scrape(self):
        client = self.app(mode="full")
        self.assertEqual(client.get("/v1/todos").status_code, 503)
        metrics = scrape(client)
        self.assertEqual(self.modes(metrics), {"off": 0, "read-only": 0, "full": 1})
        self.assertEqual(metrics[("service_ready", frozenset())], 0)
        self.assertEqual(requests(metrics, "/v1/todos", "GET", 503), 1)

    def test_a_read_only_window_keeps_the_instance_ready(self):
        metrics = scrape(self.app(mode="read-only"))
        self.assertEqual(self.modes(metrics)["read-only"], 1)
        self.assertEqual(metrics[("service_ready", frozenset())], 1)

    def test_unready(self):
        self.assertEqual(scrape(self.app(ready=False))[("service_ready", frozenset())], 0)


class MetricsSettingsTest(unittest.TestCase):
    def test_metrics_can_be_turned_off(self):
        client = make_fake_app({"METRICS_ENABLED": "false"}).test_client()
        self.assertEqual(client.get("/metrics").status_code, 404)

    def test_with_a_metrics_port_they_are_served_on_that_port_only(self):
        client = make_fake_app({"METRICS_PORT": "9100"}).test_client()
        self.assertEqual(client.get("/metrics").status_code, 404)
        scrape(client, base_url="http://localhost:9100")


class ForgetDeadWorkersTest(unittest.TestCase):
    def test_a_dead_workers_live_gauges_go_and_its_counts_stay(self):
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        dead = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        dead_pid, live_pid = int(dead.stdout), os.getpid()
        names = [
            f"gauge_livesum_{dead_pid}.db",
            f"counter_{dead_pid}.db",
            f"gauge_livesum_{live_pid}.db",
        ]
        for name in names:
            (directory / name).touch()

        forget_dead_workers(directory)

        self.assertEqual(sorted(path.name for path in directory.iterdir()), sorted(names[1:]))
