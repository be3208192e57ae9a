"""In-memory stand-ins for the infrastructure: they behave like it, with no I/O."""

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from shallot_runtime.jobs.testing import FakeQueue

from src.domain.exceptions import DuplicateValue


class FakeRepository:
    """Keeps copies, as a database would: changing a returned entity changes nothing stored.
    Refuses a second entity with the same value in a `unique` field, as a constraint would."""

    def __init__(self, entity: str, unique: tuple[str, ...] = ()) -> None:
        self._entity = entity
        self._unique = unique
        self._rows: dict[int, Any] = {}
        self._next_id = 1

    def add(self, item: Any) -> Any:
        stored = dataclasses.replace(item, id=self._next_id)
        self._check_unique(stored)
        self._rows[stored.id] = stored
        self._next_id += 1
        return dataclasses.replace(stored)

    def get(self, item_id: int) -> Any | None:
        item = self._rows.get(item_id)
        return None if item is None else dataclasses.replace(item)

    def list(self, *, offset: int, limit: int, **filters: object) -> tuple[list[Any], int]:
        """Oldest first; a filter of None matches everything."""
        matching = [
            item
            for item in self._rows.values()
            if all(value is None or getattr(item, name) == value for name, value in filters.items())
        ]
        return [dataclasses.replace(i) for i in matching[offset : offset + limit]], len(matching)

    def save(self, item: Any) -> Any:
        assert item.id in self._rows, "save() of an entity that was never added"
        self._check_unique(item)
        self._rows[item.id] = dataclasses.replace(item)
        return dataclasses.replace(item)

    def delete(self, item_id: int) -> bool:
        return self._rows.pop(item_id, None) is not None

    def _check_unique(self, item: Any) -> None:
        for field in self._unique:
            value = getattr(item, field)
            others = (other for other in self._rows.values() if other.id != item.id)
            if value is not None and any(getattr(other, field) == value for other in others):
                raise DuplicateValue(self._entity, field)


class FakeUnitOfWork:
    """Commits nothing but the fact: `committed` tells a test that the use case ended well.
    Its jobs are kept as a transaction would keep them: `jobs.enqueued` holds those of the use
    cases that committed; a use case that ends without a commit drops its own."""

    def __init__(self) -> None:
        self.todos = FakeRepository("todo")
        self.jobs = FakeQueue()
        self.committed = False

    def __enter__(self) -> "FakeUnitOfWork":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.jobs.rollback()  # what was not committed

    def commit(self) -> None:
        self.committed = True
        self.jobs.commit()


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
