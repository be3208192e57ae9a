"""In-memory stand-ins for the infrastructure: they behave like it, with no I/O."""

import dataclasses
from datetime import UTC, datetime, timedelta

from src.domain.models import Todo


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


class FakeUnitOfWork:
    """Commits nothing but the fact: `committed` tells a test that the use case ended well."""

    def __init__(self) -> None:
        self.todos = FakeTodoRepository()
        self.committed = False

    def __enter__(self) -> "FakeUnitOfWork":
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def commit(self) -> None:
        self.committed = True


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
