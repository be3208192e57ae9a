"""Every table, imported here so that `Base.metadata` knows them all (Alembic reads it)."""

from src.infrastructure.models.base import Base
from src.infrastructure.models.todo import TodoRecord

__all__ = ["Base", "TodoRecord"]
