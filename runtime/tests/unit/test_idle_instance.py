"""An app that has served nothing yet: it watches the window from the moment it is built, is
gated on its very first request, and an empty live set reads as what it means (no database)."""

import threading
import unittest
from datetime import timedelta
from unittest import mock

from shallot_runtime import Operations
from shallot_runtime.adapters.postgres.monitor import MaintenanceMonitor
from shallot_runtime.cli import formatting
from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.services.ports import Acknowledgements
from shallot_runtime.testing import UNREACHABLE_URL, FixedReadiness, FixedWindows
from tests.project import PROJECT_ROOT
from tests.support.app import create_test_app, make_fake_app
from tests.support.fakes import FixedClock


def monitored_operations() -> Operations:
    """Operations with the real monitor, on a database that is not there."""
    return Operations(UNREACHABLE_URL, project_root=PROJECT_ROOT, readiness=FixedReadiness())


def monitor_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "maintenance-monitor"]


class MonitorStartTest(unittest.TestCase):
    def test_building_the_app_starts_the_monitor_before_any_request(self):
        operations = monitored_operations()
        self.addCleanup(operations.close)
        self.assertEqual(monitor_threads(), [])
        create_test_app(operations)
        self.assertEqual(len(monitor_threads()), 1)
        operations.close()
        self.assertEqual(monitor_threads(), [])

    def test_building_the_app_does_not_wait_for_the_first_read(self):
        with mock.patch.object(MaintenanceMonitor, "start") as start:
            create_test_app(monitored_operations())
        start.assert_called_once_with(wait=False)


class FirstRequestTest(unittest.TestCase):
    def test_a_write_that_is_the_first_request_of_an_idle_app_is_refused_mid_window(self):
        clock, windows = FixedClock(), FixedWindows()
        client = make_fake_app(windows=windows, clock=clock).test_client()
        windows.window = MaintenanceWindow.open(
            mode="read-only",
            reason="migrations 0001 -> 0002",
            holder="migrate:test",
            lease=timedelta(seconds=30),
            now=clock.now(),
        )
        refused = client.post("/things")
        self.assertEqual(refused.status_code, 503)
        self.assertEqual(refused.json["error"]["code"], "maintenance")
        self.assertEqual(client.get("/things").json["total"], 0, "nothing was written")


class NoLiveInstanceTest(unittest.TestCase):
    def test_an_empty_live_set_says_what_is_known_and_what_still_holds(self):
        text = formatting.acknowledgements(Acknowledgements())
        self.assertEqual(
            text,
            "no app instance has reported in the last 5s;"
            " one that starts later reads the window before it serves",
        )
