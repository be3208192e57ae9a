"""The todo use cases: each one loads, applies a domain rule, and stores, in one unit of work."""

from collections.abc import Callable

from src.domain.exceptions import TodoNotFound
from src.domain.models import Todo
from src.services.paging import offset_of
from src.services.ports import Clock, Page, TodoRepository, UnitOfWork


class TodoService:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        reads: Callable[[], UnitOfWork] | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work  # a new one per use case: they may run in threads
        self._clock = clock
        # For the use cases that only read: without a transaction to begin and roll back, a
        # read is one round trip to the database instead of three.
        self._reads = reads or unit_of_work

    def create(self, title: str) -> Todo:
        with self._unit_of_work() as work:
            todo = work.todos.add(Todo.create(title, now=self._clock.now()))
            work.commit()
        return todo

    def get(self, todo_id: int) -> Todo:
        with self._reads() as work:
            return _existing(work.todos, todo_id)

    def list(self, *, page: int, per_page: int, done: bool | None = None) -> Page[Todo]:
        offset = offset_of(page, per_page)
        with self._reads() as work:
            items, total = work.todos.list(done=done, offset=offset, limit=per_page)
        return Page(items=items, total=total, page=page, per_page=per_page)

    def update(self, todo_id: int, *, title: str | None = None, done: bool | None = None) -> Todo:
        with self._unit_of_work() as work:
            todo = _existing(work.todos, todo_id)
            if title is not None:
                todo.rename(title)
            if done is True:
                todo.complete(now=self._clock.now())
            elif done is False:
                todo.reopen()
            saved = work.todos.save(todo)
            work.commit()
        return saved

    def delete(self, todo_id: int) -> None:
        with self._unit_of_work() as work:
            if not work.todos.delete(todo_id):
                raise TodoNotFound(todo_id)
            work.commit()


def _existing(todos: TodoRepository, todo_id: int) -> Todo:
    todo = todos.get(todo_id)
    if todo is None:
        raise TodoNotFound(todo_id)
    return todo
