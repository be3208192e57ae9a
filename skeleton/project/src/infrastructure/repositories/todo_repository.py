"""The todo repository on PostgreSQL, through SQLAlchemy 2.0: SQL statements on the `todos`
table, run in the unit of work's session, whose rows become entities. It never commits (the
unit of work does).

Rows, not ORM objects: the entities are the domain's own, so the ORM's identity map and change
tracking would be work done twice on every request.
"""

from typing import Any

from sqlalchemy import Row, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from src.domain.exceptions import TodoNotFound
from src.domain.models import Todo
from src.infrastructure.models import TodoRecord

TODOS = TodoRecord.__table__
# Built once, for the query run most often: building it anew on each call is a good part of
# the CPU a GET of one todo takes.
BY_ID = select(TODOS).where(TODOS.c.id == bindparam("todo_id"))


class SqlAlchemyTodoRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, todo: Todo) -> Todo:
        statement = insert(TODOS).values(_columns(todo)).returning(*TODOS.c)
        return _to_entity(self._session.execute(statement).one())  # the id, from the database

    def get(self, todo_id: int) -> Todo | None:
        row = self._session.execute(BY_ID, {"todo_id": todo_id}).one_or_none()
        return None if row is None else _to_entity(row)

    def list(self, *, done: bool | None, offset: int, limit: int) -> tuple[list[Todo], int]:
        query = select(TODOS)
        if done is not None:
            query = query.where(TODOS.c.done == done)
        total = self._session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self._session.execute(query.order_by(TODOS.c.id).offset(offset).limit(limit))
        return [_to_entity(row) for row in rows], total

    def save(self, todo: Todo) -> Todo:
        statement = update(TODOS).where(TODOS.c.id == todo.id).values(_columns(todo))
        row = self._session.execute(statement.returning(*TODOS.c)).one_or_none()
        if row is None:
            raise TodoNotFound(todo.id)
        return _to_entity(row)

    def delete(self, todo_id: int) -> bool:
        statement = delete(TODOS).where(TODOS.c.id == todo_id)
        return self._session.execute(statement).rowcount > 0


def _columns(todo: Todo) -> dict[str, Any]:
    return {
        "title": todo.title,
        "done": todo.done,
        "created_at": todo.created_at,
        "completed_at": todo.completed_at,
    }


def _to_entity(row: Row[Any]) -> Todo:
    return Todo(
        id=row.id,
        title=row.title,
        done=row.done,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )
