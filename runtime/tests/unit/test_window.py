import unittest
from datetime import UTC, datetime, timedelta

from shallot_runtime.domain.errors import InvalidWindow
from shallot_runtime.domain.window import MaintenanceMode, MaintenanceWindow, Outcome

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def open_window(mode="read-only", lease=LEASE, reason="migrations 0001 -> 0002"):
    return MaintenanceWindow.open(mode=mode, reason=reason, holder="me", lease=lease, now=NOW)


class WhatAWindowRefuses(unittest.TestCase):
    def test_read_only_serves_safe_methods_and_refuses_writes(self):
        window = open_window("read-only")
        for method in ("GET", "HEAD", "OPTIONS", "get"):
            self.assertFalse(window.refuses(method), method)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            self.assertTrue(window.refuses(method), method)

    def test_full_refuses_everything(self):
        window = open_window("full")
        for method in ("GET", "HEAD", "OPTIONS", "POST", "DELETE"):
            self.assertTrue(window.refuses(method), method)

    def test_only_a_read_only_window_keeps_the_instance_ready(self):
        self.assertTrue(open_window("read-only").keeps_ready)
        self.assertFalse(open_window("full").keeps_ready)


class Lease(unittest.TestCase):
    def test_a_window_is_open_until_its_lease_runs_out(self):
        window = open_window(lease=timedelta(seconds=10))
        self.assertTrue(window.is_open(NOW))
        self.assertTrue(window.is_open(NOW + timedelta(seconds=9.999)))
        self.assertFalse(window.is_open(NOW + timedelta(seconds=10)))

    def test_renewing_moves_the_end_from_the_given_now(self):
        renewed = open_window().renewed(LEASE, NOW + timedelta(seconds=20))
        self.assertEqual(renewed.expires_at, NOW + timedelta(seconds=50))
        self.assertTrue(renewed.is_open(NOW + timedelta(seconds=40)))

    def test_retry_after_counts_whole_seconds_to_the_end_and_at_least_one(self):
        window = open_window(lease=timedelta(seconds=30))
        self.assertEqual(window.retry_after(NOW + timedelta(seconds=0.5)), 30)
        self.assertEqual(window.retry_after(NOW + timedelta(seconds=29.9)), 1)
        self.assertEqual(window.retry_after(NOW + timedelta(seconds=99)), 1)

    def test_a_lease_under_a_second_is_refused(self):
        with self.assertRaises(InvalidWindow) as caught:
            open_window(lease=timedelta(milliseconds=500))
        self.assertEqual(caught.exception.field, "lease")


class Opening(unittest.TestCase):
    def test_each_window_has_its_own_id_and_a_trimmed_reason(self):
        first, second = open_window(reason="  upgrade  "), open_window()
        self.assertNotEqual(first.id, second.id)
        self.assertEqual(first.reason, "upgrade")
        self.assertIs(first.mode, MaintenanceMode.READ_ONLY)

    def test_an_unknown_mode_or_a_blank_reason_is_refused(self):
        for kwargs, field in (({"mode": "partial"}, "mode"), ({"reason": " "}, "reason")):
            with self.subTest(field=field), self.assertRaises(InvalidWindow) as caught:
                open_window(**kwargs)
            self.assertEqual(caught.exception.field, field)


class Ending(unittest.TestCase):
    def test_the_record_keeps_what_happened(self):
        window = open_window()
        record = window.ended(
            Outcome.FAILED,
            NOW + timedelta(seconds=3),
            error="boom",
            propagation=timedelta(milliseconds=7),
            instances=2,
        )
        self.assertEqual((record.window_id, record.error), (window.id, "boom"))
        self.assertEqual(record.outcome, Outcome.FAILED)
        self.assertEqual(record.duration, timedelta(seconds=3))
        self.assertEqual((record.propagation, record.instances), (timedelta(milliseconds=7), 2))

    def test_an_expired_window_ended_when_its_lease_ran_out(self):
        window = open_window()
        record = window.expired()
        self.assertEqual((record.outcome, record.ended_at), (Outcome.EXPIRED, window.expires_at))
