"""In-memory stand-ins for the adapters: they behave like them, with no I/O."""

from datetime import UTC, datetime, timedelta

from shallot_runtime.domain.window import MaintenanceWindow, WindowRecord
from shallot_runtime.services.ports import Acknowledgements


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class FakeMaintenanceStore:
    """The current window, the history, and which instances have seen what, in memory."""

    def __init__(self) -> None:
        self.window: MaintenanceWindow | None = None
        self.records: list[WindowRecord] = []
        self.seen_by: dict[str, tuple[str | None, datetime]] = {}  # instance: (window id, when)

    def current(self) -> MaintenanceWindow | None:
        return self.window

    def open(self, window: MaintenanceWindow, replacing: WindowRecord | None) -> bool:
        current_id = self.window.id if self.window else None
        if current_id != (replacing.window_id if replacing else None):
            return False
        if replacing is not None:
            self.records.append(replacing)
        self.window = window
        return True

    def renew(self, window: MaintenanceWindow) -> bool:
        if self.window is None or self.window.id != window.id:
            return False
        self.window = window
        return True

    def close(self, record: WindowRecord) -> None:
        if self.window is not None and self.window.id == record.window_id:
            self.window = None
        self.records.append(record)

    def history(self, limit: int) -> list[WindowRecord]:
        return list(reversed(self.records))[:limit]

    def acknowledgements(self, window_id: str | None) -> Acknowledgements:
        seen = [when for (seen_id, when) in self.seen_by.values() if seen_id == window_id]
        return Acknowledgements(
            instances=tuple(sorted(self.seen_by)),
            waiting_for=tuple(sorted(i for i, (s, _) in self.seen_by.items() if s != window_id)),
            last_seen_at=max(seen) if seen else None,
        )
