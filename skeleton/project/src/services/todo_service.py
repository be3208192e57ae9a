"""The todo use cases: each one loads, applies a domain rule, and stores."""

from src.domain.constants import MAX_PAGE_SIZE
from src.domain.exceptions import RuleViolation, TodoNotFound
from src.domain.models import Todo
from src.services.ports import Clock, Page, TodoRepository


class TodoService:
    def __init__(self, todos: TodoRepository, clock: Clock) -> None:
        self._todos = todos
        self._clock = clock

    def create(self, title: str) -> Todo:
        return self._todos.add(Todo.create(title, now=self._clock.now()))

    def get(self, todo_id: int) -> Todo:
        todo = self._todos.get(todo_id)
        if todo is None:
            raise TodoNotFound(todo_id)
        return todo

    def list(self, *, page: int, per_page: int, done: bool | None = None) -> Page:
        if page < 1:
            raise RuleViolation("page", "Page must be 1 or more.")
        if not 1 <= per_page <= MAX_PAGE_SIZE:
            raise RuleViolation("per_page", f"Page size must be 1 to {MAX_PAGE_SIZE}.")
        items, total = self._todos.list(done=done, offset=(page - 1) * per_page, limit=per_page)
        return Page(items=items, total=total, page=page, per_page=per_page)

    def update(self, todo_id: int, *, title: str | None = None, done: bool | None = None) -> Todo:
        todo = self.get(todo_id)
        if title is not None:
            todo.rename(title)
        if done is True:
            todo.complete(now=self._clock.now())
        elif done is False:
            todo.reopen()
        return self._todos.save(todo)

    def delete(self, todo_id: int) -> None:
        if not self._todos.delete(todo_id):
            raise TodoNotFound(todo_id)
