"""create todos

Revision ID: 0001
Revises:
Create Date: 2026-01-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
# Rules squawk may skip in this file (see `manage.py lint-migrations`): a 32-bit id is plenty
# for a todo list, and the title's varchar(200) is the domain's rule; if it ever changes,
# that migration will be checked on its own.
squawk_allow = ("prefer-bigint-over-int", "prefer-text-field")


def upgrade() -> None:
    op.create_table(
        "todos",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length(btrim(title)) > 0", name=op.f("ck_todos_title_not_blank")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todos")),
    )
    op.create_index(op.f("ix_todos_done"), "todos", ["done"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_todos_done"), table_name="todos")
    op.drop_table("todos")
