"""What the services need from the outside world; infrastructure provides it, tests fake it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, Self, TypeVar

from src.domain.models.todo import Todo

Item = TypeVar("Item")


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: Sequence[Item]
    total: int
    page: int
    per_page: int


class TodoRepository(Protocol):
    def add(self, todo: Todo) -> Todo:
        """Returns the todo with its id; stored when the unit of work commits."""
        ...

    def get(self, todo_id: int) -> Todo | None: ...

    def list(
        self,
        *,
        done: bool | None,
        offset: int,
        limit: int,
    ) -> tuple[list[Todo], int]:
        """Returns one slice of the todos, oldest first, and how many match in all."""
        ...

    def save(self, todo: Todo) -> Todo: ...

    def delete(self, todo_id: int) -> bool:
        """Returns False when there was no such todo."""
        ...


class JobQueue(Protocol):
    def enqueue(self, task: str, /, **arguments: object) -> int:
        """Runs the task of that name (src/jobs.py) in a worker, with these arguments (JSON),
        once the unit of work commits; never if it does not. Returns the job's id."""
        ...


class UnitOfWork(Protocol):
    """One use case's transaction: what its repositories change, and the jobs it enqueues, are
    stored on `commit()`, all of it or nothing; leaving the `with` block without committing
    discards it."""

    todos: TodoRepository
    jobs: JobQueue

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def commit(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
