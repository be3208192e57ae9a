"""The `todos` table."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Identity, String, false
from sqlalchemy.orm import Mapped, mapped_column

from src.domain.constants import TITLE_MAX_LENGTH
from src.infrastructure.models.base import Base


class TodoRecord(Base):
    __tablename__ = "todos"
    __table_args__ = (CheckConstraint("length(btrim(title)) > 0", name="title_not_blank"),)

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    done: Mapped[bool] = mapped_column(server_default=false(), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
