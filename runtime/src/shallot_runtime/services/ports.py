"""What the maintenance use cases need from outside; adapters provide it, tests fake it."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shallot_runtime.domain.window import MaintenanceWindow, WindowRecord


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, str] = field(default_factory=dict)
    maintenance: MaintenanceWindow | None = None  # the open window, if any

    def details(self) -> dict[str, object]:
        """What /readyz reports: the checks, and the open window if there is one."""
        details: dict[str, object] = {"checks": self.checks}
        if self.maintenance is not None:
            details["maintenance"] = self.maintenance.describe()
        return details


@dataclass(frozen=True)
class Acknowledgements:
    """Which of the live app instances have seen a window."""

    instances: tuple[str, ...] = ()  # every live instance
    waiting_for: tuple[str, ...] = ()  # those that have not seen it yet
    last_seen_at: datetime | None = None  # when the last of the others saw it


class Clock(Protocol):
    def now(self) -> datetime: ...


class ReadinessProbe(Protocol):
    def check(self) -> Readiness: ...


class MaintenanceWindows(Protocol):
    def current(self) -> MaintenanceWindow | None:
        """The window as this process last saw it, open or not; no I/O, at most ~1 s old."""
        ...


class MaintenanceStore(Protocol):
    """Where the window lives, shared by every app instance and the migrator."""

    def current(self) -> MaintenanceWindow | None: ...

    def open(self, window: MaintenanceWindow, replacing: WindowRecord | None) -> bool:
        """Makes `window` the current one, if the current one is still the window `replacing`
        records (or none, when it is None), and records that one in the history. False when
        another opener got there first."""
        ...

    def renew(self, window: MaintenanceWindow) -> bool:
        """Stores the window's new expiry; False when it is no longer the current window."""
        ...

    def close(self, record: WindowRecord) -> None:
        """Ends the recorded window if it is still the current one, and records it."""
        ...

    def history(self, limit: int) -> list[WindowRecord]:
        """The latest ended windows, newest first."""
        ...

    def acknowledgements(self, window_id: str | None) -> Acknowledgements: ...
