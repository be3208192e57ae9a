"""In-memory stand-ins for the infrastructure: they behave like it, with no I/O."""

import dataclasses
from datetime import UTC, datetime, timedelta

from src.domain.models import MaintenanceWindow, Todo, WindowRecord
from src.services.ports import Acknowledgements, Readiness


class FakeTodoRepository:
    """Keeps copies, as a database would: changing a returned todo changes nothing stored."""

    def __init__(self) -> None:
        self._rows: dict[int, Todo] = {}
        self._next_id = 1

    def add(self, todo: Todo) -> Todo:
        stored = dataclasses.replace(todo, id=self._next_id)
        self._rows[stored.id] = stored
        self._next_id += 1
        return dataclasses.replace(stored)

    def get(self, todo_id: int) -> Todo | None:
        todo = self._rows.get(todo_id)
        return None if todo is None else dataclasses.replace(todo)

    def list(self, *, done: bool | None, offset: int, limit: int) -> tuple[list[Todo], int]:
        matching = [t for t in self._rows.values() if done is None or t.done == done]
        page = matching[offset : offset + limit]
        return [dataclasses.replace(t) for t in page], len(matching)

    def save(self, todo: Todo) -> Todo:
        assert todo.id in self._rows, "save() of a todo that was never added"
        self._rows[todo.id] = dataclasses.replace(todo)
        return dataclasses.replace(todo)

    def delete(self, todo_id: int) -> bool:
        return self._rows.pop(todo_id, None) is not None


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class FakeReadiness:
    def __init__(self, ready: bool = True) -> None:
        self.ready = ready

    def check(self) -> Readiness:
        if self.ready:
            return Readiness(ready=True, checks={"database": "ok", "migrations": "ok"})
        return Readiness(ready=False, checks={"database": "unreachable"})


class FakeMaintenanceWindows:
    """The cached window, as a test sets it."""

    def __init__(self, window: MaintenanceWindow | None = None) -> None:
        self.window = window

    def current(self) -> MaintenanceWindow | None:
        return self.window


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
