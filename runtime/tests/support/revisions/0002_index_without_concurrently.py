"""index todos by title, the unsafe way: a plain CREATE INDEX blocks writes while it builds

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_todos_title", "todos", ["title"])


def downgrade() -> None:
    op.drop_index("ix_todos_title", table_name="todos")
