"""What the services need from the outside world; infrastructure provides it, tests fake it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from src.domain.models import Todo


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
