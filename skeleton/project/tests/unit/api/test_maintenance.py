"""The API during a maintenance window, decided from the cached window (fakes, no database)."""

import unittest
from datetime import timedelta

from src.domain.models import MaintenanceWindow
from tests.support.app import make_fake_app
from tests.support.fakes import FakeMaintenanceWindows, FixedClock

WRITES = (
    ("post", "/v1/todos", {"title": "x"}),
    ("patch", "/v1/todos/1", {"done": True}),
    ("delete", "/v1/todos/1", None),
)


class MaintenanceApiTest(unittest.TestCase):
    def setUp(self):
        self.clock = FixedClock()
        self.windows = FakeMaintenanceWindows()
        self.client = make_fake_app(windows=self.windows, clock=self.clock).test_client()
        self.todo = self.client.post("/v1/todos", json={"title": "before"}).json

    def open(self, mode, lease_seconds=30):
        self.windows.window = MaintenanceWindow.open(
            mode=mode,
            reason="migrations 0001 -> 0002",
            holder="migrate:test",
            lease=timedelta(seconds=lease_seconds),
            now=self.clock.now(),
        )

    def assertMaintenance(self, response, mode):
        self.assertEqual(response.status_code, 503, response.json)
        error = response.json["error"]
        self.assertEqual((error["code"], error["details"]["mode"]), ("maintenance", mode))
        self.assertEqual(error["details"]["reason"], "migrations 0001 -> 0002")
        self.assertEqual(response.headers["Retry-After"], str(error["details"]["retry_after"]))
        self.assertIn("X-Request-ID", response.headers)

    def test_read_only_serves_reads(self):
        self.open("read-only")
        self.assertEqual(self.client.get("/v1/todos").status_code, 200)
        self.assertEqual(self.client.get(f"/v1/todos/{self.todo['id']}").status_code, 200)
        self.assertEqual(self.client.head("/v1/todos").status_code, 200)

    def test_read_only_refuses_writes_with_503_retry_after_and_the_error_shape(self):
        self.open("read-only", lease_seconds=25)
        for method, path, body in WRITES:
            with self.subTest(method=method):
                response = getattr(self.client, method)(path, json=body)
                self.assertMaintenance(response, "read-only")
                self.assertEqual(response.headers["Retry-After"], "25")
        self.assertEqual(self.client.get("/v1/todos").json["total"], 1, "nothing was written")

    def test_full_refuses_everything_but_the_health_endpoints(self):
        self.open("full")
        self.assertMaintenance(self.client.get("/v1/todos"), "full")
        self.assertMaintenance(self.client.get("/openapi.json"), "full")
        self.assertEqual(self.client.get("/healthz").status_code, 200)

    def test_healthz_stays_200_and_readyz_reports_a_read_only_window_as_ready(self):
        self.open("read-only")
        self.assertEqual(self.client.get("/healthz").json, {"status": "ok"})
        ready = self.client.get("/readyz")
        self.assertEqual(ready.status_code, 200)
        self.assertEqual(ready.json["checks"]["maintenance"], "read-only")
        self.assertEqual(ready.json["maintenance"]["reason"], "migrations 0001 -> 0002")

    def test_readyz_is_503_during_a_full_window(self):
        self.open("full")
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json["error"]["code"], "not_ready")
        details = response.json["error"]["details"]
        self.assertEqual(details["checks"]["maintenance"], "full")
        self.assertEqual(details["maintenance"]["mode"], "full")

    def test_when_the_lease_runs_out_the_service_is_back_by_itself(self):
        self.open("full", lease_seconds=5)
        self.assertEqual(self.client.post("/v1/todos", json={"title": "x"}).status_code, 503)
        self.clock.advance(seconds=5)
        self.assertEqual(self.client.post("/v1/todos", json={"title": "x"}).status_code, 201)
        self.assertEqual(self.client.get("/readyz").json["checks"]["maintenance"], "off")

    def test_without_a_window_readyz_says_off(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.json["checks"]["maintenance"], "off")
        self.assertNotIn("maintenance", response.json)
