import unittest
from datetime import timedelta

from shallot_runtime.domain.errors import WindowHeld
from shallot_runtime.domain.window import Outcome
from shallot_runtime.services.gate import MaintenanceGate, ReadinessWithMaintenance
from shallot_runtime.services.windows import MaintenanceService
from shallot_runtime.testing import FixedReadiness, FixedWindows
from tests.support.fakes import FakeMaintenanceStore, FixedClock

LEASE = timedelta(seconds=30)


class MaintenanceServiceTest(unittest.TestCase):
    def setUp(self):
        self.clock = FixedClock()
        self.store = FakeMaintenanceStore()
        self.service = MaintenanceService(self.store, self.clock)

    def open(self, holder="migrate:a", mode="read-only"):
        return self.service.open(mode=mode, reason="upgrade", holder=holder, lease=LEASE)

    def test_open_stores_the_window(self):
        window = self.open()
        self.assertEqual(self.service.current(), window)
        self.assertEqual(window.expires_at, self.clock.now() + LEASE)

    def test_only_one_window_at_a_time(self):
        self.open(holder="migrate:a")
        with self.assertRaises(WindowHeld) as caught:
            self.open(holder="manual:b")
        self.assertEqual(caught.exception.holder, "migrate:a")
        self.assertIn("maintenance off", str(caught.exception))

    def test_a_window_whose_lease_ran_out_is_replaced_and_recorded_as_expired(self):
        dead = self.open(holder="migrate:killed")
        self.clock.advance(seconds=31)
        alive = self.open(holder="migrate:next")
        self.assertEqual(self.service.current(), alive)
        [record] = self.service.history()
        self.assertEqual((record.window_id, record.outcome), (dead.id, Outcome.EXPIRED))
        self.assertEqual(record.ended_at, dead.expires_at)

    def test_renew_extends_the_lease_until_someone_else_closed_the_window(self):
        window = self.open()
        self.clock.advance(seconds=10)
        renewed = self.service.renew(window, LEASE)
        self.assertEqual(self.service.current().expires_at, self.clock.now() + LEASE)
        self.service.close_current()
        self.assertIsNone(self.service.renew(renewed, LEASE))

    def test_close_records_the_outcome_and_how_fast_the_instances_saw_it(self):
        window = self.open()
        self.store.seen_by = {"a:1": (window.id, window.opened_at + timedelta(milliseconds=4))}
        seen = self.service.acknowledgements(window)
        self.clock.advance(seconds=2)
        record = self.service.close(window, Outcome.COMPLETED, seen=seen)
        self.assertIsNone(self.service.current())
        self.assertEqual(self.service.history(), [record])
        self.assertEqual(record.propagation, timedelta(milliseconds=4))
        self.assertEqual((record.instances, record.duration), (1, timedelta(seconds=2)))

    def test_close_current_closes_whatever_is_open(self):
        self.assertIsNone(self.service.close_current())
        self.open(holder="migrate:a")
        record = self.service.close_current()
        self.assertEqual((record.outcome, record.holder), (Outcome.CLOSED, "migrate:a"))
        self.assertIsNone(self.service.current())

    def test_history_is_newest_first_and_limited(self):
        for _ in range(3):
            self.service.close(self.open(), Outcome.COMPLETED)
        records = self.service.history(limit=2)
        self.assertEqual(len(records), 2)
        self.assertEqual(records[0], self.store.records[-1])

    def test_wait_until_seen_returns_as_soon_as_every_instance_saw_the_window(self):
        window = self.open()
        self.store.seen_by = {"a:1": (None, self.clock.now()), "b:2": (window.id, self.clock.now())}
        naps = []

        def sleep(seconds):
            naps.append(seconds)
            self.clock.advance(seconds=seconds)
            self.store.seen_by["a:1"] = (window.id, self.clock.now())

        seen = self.service.wait_until_seen(window, timedelta(seconds=5), sleep=sleep)
        self.assertEqual((seen.waiting_for, len(naps)), ((), 1))

    def test_wait_until_seen_gives_up_after_the_timeout(self):
        window = self.open()
        self.store.seen_by = {"dead:1": (None, self.clock.now())}
        seen = self.service.wait_until_seen(
            window, timedelta(seconds=1), sleep=lambda s: self.clock.advance(seconds=s)
        )
        self.assertEqual(seen.waiting_for, ("dead:1",))


class MaintenanceGateTest(unittest.TestCase):
    def setUp(self):
        self.clock = FixedClock()
        self.windows = FixedWindows()
        self.gate = MaintenanceGate(self.windows, self.clock)
        service = MaintenanceService(FakeMaintenanceStore(), self.clock)
        self.window = service.open(mode="read-only", reason="upgrade", holder="h", lease=LEASE)

    def test_without_a_window_nothing_is_refused(self):
        self.assertIsNone(self.gate.refusing("POST"))

    def test_an_open_read_only_window_refuses_writes_only(self):
        self.windows.window = self.window
        self.assertIsNone(self.gate.refusing("GET"))
        self.assertEqual(self.gate.refusing("DELETE"), self.window)

    def test_a_window_is_over_when_its_lease_ran_out_even_if_nobody_closed_it(self):
        self.windows.window = self.window
        self.clock.advance(seconds=30)
        self.assertIsNone(self.gate.active())
        self.assertIsNone(self.gate.refusing("POST"))

    def test_readiness_reports_the_window_and_a_full_one_makes_it_unready(self):
        readiness = ReadinessWithMaintenance(FixedReadiness(True), self.gate)
        self.assertEqual(readiness.check().checks["maintenance"], "off")
        self.windows.window = self.window
        self.assertTrue(readiness.check().ready)
        self.assertEqual(readiness.check().maintenance, self.window)
        self.windows.window = MaintenanceService(FakeMaintenanceStore(), self.clock).open(
            mode="full", reason="upgrade", holder="h", lease=LEASE
        )
        checked = readiness.check()
        self.assertFalse(checked.ready)
        self.assertEqual(checked.checks["maintenance"], "full")
