"""/metrics: requests by route template, method and status; the pool, readiness, the window;
on a port of its own with METRICS_PORT; a dead worker's live gauges forgotten, its counts kept."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.testing import FixedWindows
from shallot_runtime.web.metrics import forget_dead_workers
from tests.support.fakes import FixedClock
from tests.support.web_app import make_web_app

NO_LABELS = frozenset()


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


@pytest.fixture
def client():
    return make_web_app().test_client()


def test_requests_are_counted_by_route_template_not_by_path(client):
    for thing_id in (1, 2, 3):
        assert client.get(f"/v1/things/{thing_id}").status_code == 404
    client.post("/v1/things", json={"name": "counted"})
    metrics = scrape(client)
    assert requests(metrics, "/v1/things/<int:thing_id>", "GET", 404) == 3
    assert requests(metrics, "/v1/things", "POST", 201) == 1
    assert "/v1/things/1" not in str(metrics)


def test_paths_that_match_no_route_share_one_label(client):
    client.get("/nowhere")
    client.get("/elsewhere/else")
    assert requests(scrape(client), "unmatched", "GET", 404) == 2


def test_unknown_methods_share_one_label(client):
    client.open("/healthz", method="BREW")
    assert requests(scrape(client), "unmatched", "other", 405) == 1


def test_latency_is_a_histogram_with_the_same_labels(client):
    client.get("/healthz")
    labels = frozenset({"route": "/healthz", "method": "GET", "status": "200"}.items())
    assert scrape(client)[("http_request_duration_seconds_count", labels)] == 1


def test_scrapes_are_not_counted_and_nothing_is_left_in_flight(client):
    client.get("/healthz")
    scrape(client)
    metrics = scrape(client)
    assert not [key for key in metrics if ("route", "/metrics") in key[1]]
    assert metrics[("http_requests_in_flight", NO_LABELS)] == 0


def test_a_request_is_in_flight_while_it_is_answered(client):
    app = client.application
    seen = []

    @app.get("/test-only/in-flight")
    def in_flight():
        seen.append(scrape(app.test_client())[("http_requests_in_flight", NO_LABELS)])
        return "done"

    client.get("/test-only/in-flight")
    assert seen == [1]
    assert scrape(client)[("http_requests_in_flight", NO_LABELS)] == 0


def test_the_pool_gauges_are_served(client):
    metrics = scrape(client)
    assert metrics[("db_pool_checked_out", NO_LABELS)] == 0
    assert metrics[("db_pool_overflow", NO_LABELS)] == 0


def test_each_app_counts_its_own_requests():
    first, second = make_web_app().test_client(), make_web_app().test_client()
    first.get("/healthz")
    assert requests(scrape(second), "/healthz", "GET", 200) is None


def service_state_client(mode=None, ready=True):
    clock = FixedClock()
    window = None
    if mode is not None:
        window = MaintenanceWindow.open(
            mode=mode, reason="test", holder="t", lease=timedelta(minutes=1), now=clock.now()
        )
    return make_web_app(windows=FixedWindows(window), ready=ready, clock=clock).test_client()


def modes(metrics) -> dict[str, float]:
    return {
        dict(labels)["mode"]: value
        for (name, labels), value in metrics.items()
        if name == "maintenance_mode"
    }


def test_no_window_and_ready():
    metrics = scrape(service_state_client())
    assert modes(metrics) == {"off": 1, "read-only": 0, "full": 0}
    assert metrics[("service_ready", NO_LABELS)] == 1


def test_a_full_window_is_reported_and_does_not_refuse_the_scrape():
    client = service_state_client(mode="full")
    assert client.get("/v1/things").status_code == 503
    assert client.get("/healthz").status_code == 200  # the health blueprint is always served
    metrics = scrape(client)
    assert modes(metrics) == {"off": 0, "read-only": 0, "full": 1}
    assert metrics[("service_ready", NO_LABELS)] == 0
    assert requests(metrics, "/v1/things", "GET", 503) == 1


def test_a_read_only_window_keeps_the_instance_ready():
    metrics = scrape(service_state_client(mode="read-only"))
    assert modes(metrics)["read-only"] == 1
    assert metrics[("service_ready", NO_LABELS)] == 1


def test_unready():
    assert scrape(service_state_client(ready=False))[("service_ready", NO_LABELS)] == 0


def test_metrics_can_be_turned_off():
    client = make_web_app({"METRICS_ENABLED": "false"}).test_client()
    assert client.get("/metrics").status_code == 404


def test_with_a_metrics_port_they_are_served_on_that_port_only():
    client = make_web_app({"METRICS_PORT": "9100"}).test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", base_url="http://localhost:8000").status_code == 404
    scrape(client, base_url="http://localhost:9100")


def test_a_dead_workers_live_gauges_go_and_its_counts_stay(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid, live_pid = int(dead.stdout), os.getpid()
    names = [
        f"gauge_livesum_{dead_pid}.db",
        f"gauge_liveall_{dead_pid}.db",
        f"counter_{dead_pid}.db",
        f"histogram_{dead_pid}.db",
        f"gauge_livesum_{live_pid}.db",
    ]
    for name in names:
        (tmp_path / name).touch()

    forget_dead_workers(tmp_path)

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(names[2:])
