"""The maintenance window on PostgreSQL, as the app instances see it: pushed by NOTIFY, polled
as the fallback, expiring by itself, and through an app and `manage.py maintenance`."""

import statistics
from datetime import timedelta
from unittest import mock

from click.testing import CliRunner
from sqlalchemy import text

from shallot_runtime.adapters.clock import SystemClock
from shallot_runtime.adapters.postgres.monitor import MaintenanceMonitor
from shallot_runtime.domain.window import Outcome
from shallot_runtime.services.gate import MaintenanceGate
from tests.project.cli import cli
from tests.support.app import create_test_app
from tests.support.own_database import OwnDatabaseTestCase
from tests.support.wait import wait_until

LEASE = timedelta(seconds=30)
STALENESS_BOUND = 1.0  # seconds: the most a cached window may lag behind the database


class MonitorTest(OwnDatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.maintenance = self.tools.maintenance
        self.monitor = MaintenanceMonitor(self.url, SystemClock())
        self.monitor.start()
        self.addCleanup(self.monitor.stop)
        self.gate = MaintenanceGate(self.monitor, SystemClock())

    def open(self, mode="read-only", lease=LEASE):
        return self.maintenance.open(mode=mode, reason="test", holder="test", lease=lease)

    def seen_id(self):
        window = self.monitor.current()
        return window.id if window else None

    def test_notify_brings_every_change_well_under_100_ms(self):
        delays = []
        for _ in range(5):
            window = self.open()
            delays.append(wait_until(lambda w=window: self.seen_id() == w.id, STALENESS_BOUND))
            self.maintenance.close(window, Outcome.COMPLETED)
            delays.append(wait_until(lambda: self.seen_id() is None, STALENESS_BOUND))
        self.assertLess(statistics.median(delays), 0.1, delays)

    def test_without_a_notification_the_poll_catches_up_within_the_staleness_bound(self):
        window = self.open()
        wait_until(lambda: self.seen_id() == window.id, STALENESS_BOUND)
        with self.tools.engine.begin() as connection:  # no NOTIFY: as if it had been lost
            connection.execute(text("DELETE FROM shallot_maintenance"))
        wait_until(lambda: self.seen_id() is None, STALENESS_BOUND)

    def test_a_window_nobody_renews_ends_by_itself_when_its_lease_runs_out(self):
        window = self.open(lease=timedelta(seconds=1))
        wait_until(lambda: self.gate.active() is not None, STALENESS_BOUND)
        waited = wait_until(lambda: self.gate.active() is None, 2)
        self.assertLess(waited, 1.05)
        self.assertEqual(self.seen_id(), window.id, "ended without any write to the database")

    def test_each_instance_acknowledges_what_it_saw(self):
        window = self.open()
        seen = self.maintenance.wait_until_seen(window, timedelta(seconds=2))
        self.assertEqual((seen.instances, seen.waiting_for), ((self.monitor.instance,), ()))
        record = self.maintenance.close(window, Outcome.COMPLETED, seen=seen)
        self.assertLess(record.propagation, timedelta(seconds=STALENESS_BOUND))
        self.assertEqual(record.instances, 1)
        self.assertEqual(self.maintenance.history(1)[0].propagation, record.propagation)

    def test_the_monitor_reconnects_when_its_connection_is_dropped(self):
        with self.assertLogs("shallot_runtime.adapters.postgres.monitor", "INFO") as logs:
            with self.tools.engine.begin() as connection:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE application_name = 'shallot-maintenance-monitor'"
                        " AND datname = current_database()"
                    )
                )
            window = self.open()
            wait_until(lambda: self.seen_id() == window.id, 3)
        self.assertIn("back on the database", "\n".join(logs.output))

    def test_a_stopped_instance_no_longer_counts_as_live(self):
        self.monitor.stop()
        self.assertEqual(self.maintenance.acknowledgements(None).instances, ())


class ApiDuringMaintenanceTest(OwnDatabaseTestCase):
    """The whole app on the database: the window reaches it through its own monitor."""

    def setUp(self):
        super().setUp()
        self.client = create_test_app(self.operations).test_client()
        self.assertEqual(self.client.post("/things").status_code, 200)

    def wait_for_status(self, method, path, status, **kwargs):
        wait_until(lambda: getattr(self.client, method)(path, **kwargs).status_code == status, 2)

    def test_read_only_serves_reads_refuses_writes_and_comes_back(self):
        window = self.tools.maintenance.open(
            mode="read-only", reason="reindex", holder="test", lease=LEASE
        )
        self.wait_for_status("post", "/things", 503)
        refused = self.client.post("/things")
        self.assertEqual(refused.json["error"]["code"], "maintenance")
        self.assertTrue(refused.headers["Retry-After"].isdigit())
        self.assertEqual(self.client.get("/answer").json, {"answer": 42})
        ready = self.client.get("/readyz")
        self.assertEqual(ready.status_code, 200)
        self.assertEqual(ready.json["checks"]["maintenance"], "read-only")

        self.tools.maintenance.close(window, Outcome.CLOSED)
        self.wait_for_status("post", "/things", 200)

    def test_full_takes_the_instance_out_of_readiness_but_not_out_of_liveness(self):
        self.tools.maintenance.open(mode="full", reason="big one", holder="test", lease=LEASE)
        self.wait_for_status("get", "/things", 503)
        self.assertEqual(self.client.get("/readyz").status_code, 503)
        self.assertEqual(self.client.get("/healthz").status_code, 200)


class IdleAppTest(OwnDatabaseTestCase):
    """An app built and served nothing yet, as every worker is on a stack that is up but idle."""

    def open(self):
        return self.tools.maintenance.open(
            mode="read-only", reason="idle", holder="test", lease=LEASE
        )

    def live(self):
        return self.tools.maintenance.acknowledgements(None).instances

    def test_an_idle_app_counts_as_live_acknowledges_and_refuses_its_first_write(self):
        client = create_test_app(self.operations).test_client()
        wait_until(self.live, 10)  # up, and idle: no request has reached it
        window = self.open()
        seen = self.tools.maintenance.wait_until_seen(window, timedelta(seconds=10))
        self.assertEqual((len(seen.instances), seen.waiting_for), (1, ()))
        self.assertEqual(client.post("/things").json["error"]["code"], "maintenance")
        self.assertEqual(client.get("/things").json, {"total": 0})

    def test_an_app_not_watching_yet_reads_the_window_before_its_first_request(self):
        # As in a worker forked after the app was built: the monitor starts on first use.
        with mock.patch.object(MaintenanceMonitor, "start"):
            client = create_test_app(self.operations).test_client()
        window = self.open()
        self.assertEqual(self.live(), ())
        refused = client.post("/things")
        self.assertEqual((refused.status_code, refused.json["error"]["code"]), (503, "maintenance"))
        seen = self.tools.maintenance.wait_until_seen(window, timedelta(seconds=10))
        self.assertEqual((len(seen.instances), seen.waiting_for), (1, ()))

    def test_status_with_no_app_says_none_has_reported_not_that_none_runs(self):
        result = CliRunner().invoke(cli, ["maintenance", "status"], env=self.environ)
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("no app instance has reported in the last 5s", result.output)


class MaintenanceCommandsTest(OwnDatabaseTestCase):
    def manage(self, *args):
        result = CliRunner().invoke(cli, args, env=self.environ)
        return result.exit_code, result.output

    def test_on_status_off_history(self):
        code, output = self.manage("maintenance", "on", "--reason", "reindex", "--ttl", "60")
        self.assertEqual(code, 0, output)
        self.assertIn("open: read-only until", output)

        code, output = self.manage("maintenance", "status")
        self.assertIn("reason:     reindex", output)
        self.assertIn("holder:     manual:", output)

        code, output = self.manage("maintenance", "on", "--mode", "full")
        self.assertEqual(code, 1)
        self.assertIn("is open until", output)

        code, output = self.manage("maintenance", "off")
        self.assertEqual(code, 0, output)
        self.assertIn("closed: the read-only window held by manual:", output)
        self.assertIn("no maintenance window is open", self.manage("maintenance", "off")[1])

        code, output = self.manage("maintenance", "history")
        self.assertEqual(code, 0, output)
        self.assertRegex(output, r"closed\s+read-only\s+[\d.]+s\s+-\s+-\s+reindex")

    def test_bad_values_are_refused_in_one_line(self):
        code, output = self.manage("maintenance", "on", "--mode", "partial")
        self.assertEqual(code, 2)
        self.assertIn("'partial' is not one of 'read-only', 'full'", output)
        code, output = self.manage("maintenance", "on", "--reason", "   ")
        self.assertEqual(code, 1)
        self.assertIn("Reason must be 1 to 200 characters", output)
