"""The todo repository on PostgreSQL, through SQLAlchemy 2.0: it reads and stages changes in the
unit of work's session, and never commits (the unit of work does)."""

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from src.domain.exceptions import TodoNotFound
from src.domain.models import Todo
from src.infrastructure.models import TodoRecord


class SqlAlchemyTodoRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, todo: Todo) -> Todo:
        record = TodoRecord()
        _copy_to_record(todo, record)
        self._session.add(record)
        self._session.flush()  # the id, from the database
        return _to_entity(record)

    def get(self, todo_id: int) -> Todo | None:
        record = self._session.get(TodoRecord, todo_id)
        return None if record is None else _to_entity(record)

    def list(self, *, done: bool | None, offset: int, limit: int) -> tuple[list[Todo], int]:
        query = select(TodoRecord)
        if done is not None:
            query = query.where(TodoRecord.done == done)
        total = self._session.scalar(select(func.count()).select_from(query.subquery())) or 0
        records = self._session.scalars(query.order_by(TodoRecord.id).offset(offset).limit(limit))
        return [_to_entity(record) for record in records], total

    def save(self, todo: Todo) -> Todo:
        record = self._session.get(TodoRecord, todo.id)
        if record is None:
            raise TodoNotFound(todo.id)
        _copy_to_record(todo, record)
        self._session.flush()
        return _to_entity(record)

    def delete(self, todo_id: int) -> bool:
        statement = delete(TodoRecord).where(TodoRecord.id == todo_id)
        return self._session.execute(statement).rowcount > 0


def _copy_to_record(todo: Todo, record: TodoRecord) -> None:
    record.title = todo.title
    record.done = todo.done
    record.created_at = todo.created_at
    record.completed_at = todo.completed_at


def _to_entity(record: TodoRecord) -> Todo:
    return Todo(
        id=record.id,
        title=record.title,
        done=record.done,
        created_at=record.created_at,
        completed_at=record.completed_at,
    )
