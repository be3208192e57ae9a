from src.domain.models.todo import Todo

__all__ = ["Todo"]
