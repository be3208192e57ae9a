"""An app during a maintenance window, decided from the cached window (stand-ins, no database)."""

import unittest
from datetime import timedelta

from sqlalchemy.exc import IntegrityError, OperationalError

from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.testing import FixedWindows
from tests.support.app import make_fake_app
from tests.support.fakes import FixedClock

WRITES = (("post", "/things"), ("patch", "/things"), ("delete", "/things"))


class MaintenanceApiTest(unittest.TestCase):
    def setUp(self):
        self.clock = FixedClock()
        self.windows = FixedWindows()
        self.client = make_fake_app(windows=self.windows, clock=self.clock).test_client()
        self.client.post("/things")

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

    def test_read_only_serves_reads(self):
        self.open("read-only")
        self.assertEqual(self.client.get("/things").status_code, 200)
        self.assertEqual(self.client.head("/things").status_code, 200)

    def test_read_only_refuses_writes_with_503_retry_after_and_the_error_shape(self):
        self.open("read-only", lease_seconds=25)
        for method, path in WRITES:
            with self.subTest(method=method):
                response = getattr(self.client, method)(path)
                self.assertMaintenance(response, "read-only")
                self.assertEqual(response.headers["Retry-After"], "25")
        self.assertEqual(self.client.get("/things").json["total"], 1, "nothing was written")

    def test_full_refuses_everything_but_the_health_endpoints(self):
        self.open("full")
        self.assertMaintenance(self.client.get("/things"), "full")
        self.assertMaintenance(self.client.get("/answer"), "full")
        self.assertEqual(self.client.get("/healthz").status_code, 200)

    def test_a_cors_preflight_is_never_refused(self):
        self.open("full")
        self.assertEqual(self.client.options("/things").status_code, 200)

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
        self.assertEqual(self.client.post("/things").status_code, 503)
        self.clock.advance(seconds=5)
        self.assertEqual(self.client.post("/things").status_code, 200)
        self.assertEqual(self.client.get("/readyz").json["checks"]["maintenance"], "off")

    def test_without_a_window_readyz_says_off(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.json["checks"]["maintenance"], "off")
        self.assertNotIn("maintenance", response.json)


class DatabaseUnavailableTest(unittest.TestCase):
    def setUp(self):
        self.app = make_fake_app()
        self.app.testing = False  # errors go to the handlers, as in production

    def raising(self, error):
        def view():
            raise error

        self.app.view_functions["things.answer"] = view
        return self.app.test_client().get("/answer")

    def test_an_unreachable_database_is_503_with_retry_after_in_the_apps_error_shape(self):
        lost = OperationalError("SELECT 42", {}, Exception("connection refused"))
        with self.assertLogs("shallot_runtime.flask", "WARNING") as logs:
            response = self.raising(lost)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.headers["Retry-After"], "5")
        error = response.json["error"]
        self.assertEqual(error["code"], "database_unavailable")
        self.assertEqual(error["details"], {"retry_after": 5, "request_id": "req-1"})
        self.assertIn("req-1", logs.output[0])

    def test_a_bug_in_a_query_is_left_to_the_apps_own_handlers(self):
        broken = IntegrityError("INSERT", {}, Exception("duplicate key"))
        self.assertEqual(self.raising(broken).status_code, 500)
