"""What the services need from the outside world; infrastructure provides it, tests fake it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from src.domain.models import MaintenanceWindow, Todo, WindowRecord


@dataclass(frozen=True)
class Page:
    items: Sequence[Todo]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, str] = field(default_factory=dict)
    maintenance: MaintenanceWindow | None = None  # the open window, if any


@dataclass(frozen=True)
class Acknowledgements:
    """Which of the live app instances have seen a window."""

    instances: tuple[str, ...] = ()  # every live instance
    waiting_for: tuple[str, ...] = ()  # those that have not seen it yet
    last_seen_at: datetime | None = None  # when the last of the others saw it


class TodoRepository(Protocol):
    def add(self, todo: Todo) -> Todo: ...

    def get(self, todo_id: int) -> Todo | None: ...

    def list(self, *, done: bool | None, offset: int, limit: int) -> tuple[list[Todo], int]:
        """Returns one slice of the todos, oldest first, and how many match in all."""
        ...

    def save(self, todo: Todo) -> Todo: ...

    def delete(self, todo_id: int) -> bool:
        """Returns False when there was no such todo."""
        ...


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
