"""The Todo entity and its rules."""

from dataclasses import dataclass
from datetime import datetime

from src.domain.constants import TITLE_MAX_LENGTH
from src.domain.exceptions import RuleViolation, TodoAlreadyCompleted


def clean_title(title: str) -> str:
    """Returns the title without surrounding blanks, or raises if it breaks the length rule."""
    cleaned = title.strip()
    if not 1 <= len(cleaned) <= TITLE_MAX_LENGTH:
        raise RuleViolation(
            "title",
            f"Title must be 1 to {TITLE_MAX_LENGTH} characters long once blanks are trimmed.",
        )
    return cleaned


@dataclass
class Todo:
    title: str
    created_at: datetime
    done: bool = False
    completed_at: datetime | None = None
    id: int | None = None

    @classmethod
    def create(cls, title: str, now: datetime) -> "Todo":
        return cls(title=clean_title(title), created_at=now)

    def rename(self, title: str) -> None:
        self.title = clean_title(title)

    def complete(self, now: datetime) -> None:
        if self.done:
            raise TodoAlreadyCompleted(self.id)
        self.done = True
        self.completed_at = now

    def reopen(self) -> None:
        self.done = False
        self.completed_at = None
