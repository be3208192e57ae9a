"""The maintenance window use cases: open, renew, close, and what the instances have seen."""

import time
from collections.abc import Callable
from datetime import timedelta

from shallot_runtime.domain.errors import WindowHeld
from shallot_runtime.domain.window import MaintenanceMode, MaintenanceWindow, Outcome, WindowRecord
from shallot_runtime.services.ports import Acknowledgements, Clock, MaintenanceStore

ACKNOWLEDGEMENT_POLL_SECONDS = 0.02


class MaintenanceService:
    def __init__(self, store: MaintenanceStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def current(self) -> MaintenanceWindow | None:
        """The stored window, open or expired (an expired one stays until the next opens)."""
        return self._store.current()

    def open(
        self,
        *,
        mode: MaintenanceMode | str,
        reason: str,
        holder: str,
        lease: timedelta,
        from_revision: str | None = None,
        to_revision: str | None = None,
    ) -> MaintenanceWindow:
        """Opens a window, unless one is open; one whose lease ran out is recorded as expired."""
        now = self._clock.now()
        current = self._store.current()
        if current is not None and current.is_open(now):
            raise WindowHeld(current.holder, current.expires_at)
        window = MaintenanceWindow.open(
            mode=mode,
            reason=reason,
            holder=holder,
            lease=lease,
            now=now,
            from_revision=from_revision,
            to_revision=to_revision,
        )
        if not self._store.open(window, replacing=current.expired() if current else None):
            latest = self._store.current()
            raise WindowHeld(
                latest.holder if latest else "another opener", latest.expires_at if latest else now
            )
        return window

    def renew(self, window: MaintenanceWindow, lease: timedelta) -> MaintenanceWindow | None:
        """The window with a fresh lease, or None when it is no longer the current window."""
        renewed = window.renewed(lease, self._clock.now())
        return renewed if self._store.renew(renewed) else None

    def close(
        self,
        window: MaintenanceWindow,
        outcome: Outcome,
        *,
        error: str | None = None,
        seen: Acknowledgements | None = None,
    ) -> WindowRecord:
        record = window.ended(
            outcome,
            self._clock.now(),
            error=error,
            propagation=_propagation(window, seen),
            instances=len(seen.instances) if seen else 0,
        )
        self._store.close(record)
        return record

    def close_current(self) -> WindowRecord | None:
        """Ends whatever window is stored (`maintenance off`); None when there is none."""
        current = self._store.current()
        if current is None:
            return None
        if not current.is_open(self._clock.now()):
            record = current.expired()
            self._store.close(record)
            return record
        return self.close(current, Outcome.CLOSED)

    def history(self, limit: int = 20) -> list[WindowRecord]:
        return self._store.history(limit)

    def acknowledgements(self, window: MaintenanceWindow | None) -> Acknowledgements:
        return self._store.acknowledgements(window.id if window else None)

    def wait_until_seen(
        self,
        window: MaintenanceWindow,
        timeout: timedelta,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Acknowledgements:
        """Waits until every live app instance has seen the window, or `timeout` has passed.

        Only instances that stopped heartbeating can fail to acknowledge (each one reads the
        window and reports on the same beat), and they leave the live set within seconds.
        """
        deadline = self._clock.now() + timeout
        while True:
            seen = self._store.acknowledgements(window.id)
            if not seen.waiting_for or self._clock.now() >= deadline:
                return seen
            sleep(ACKNOWLEDGEMENT_POLL_SECONDS)


def _propagation(window: MaintenanceWindow, seen: Acknowledgements | None) -> timedelta | None:
    if seen is None or seen.last_seen_at is None or seen.waiting_for:
        return None
    return max(seen.last_seen_at - window.opened_at, timedelta(0))
