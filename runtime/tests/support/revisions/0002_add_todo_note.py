"""add todo note: the expand step of an expand/contract change (see the README)

A nullable column (no table rewrite, a brief lock) and its index, built CONCURRENTLY in an
autocommit block so that writes go on meanwhile. The code that uses the column ships next;
the code already running ignores it. The migration can run again after a failure: that is
what the migrator does after a lock timeout.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
# squawk wants IF NOT EXISTS on the CREATE INDEX; the DROP before it is the better guard.
squawk_allow = ("prefer-robust-stmts",)


def upgrade() -> None:
    op.add_column("todos", sa.Column("note", sa.Text(), nullable=True), if_not_exists=True)
    with op.get_context().autocommit_block():
        # A build that failed (on lock_timeout, say) leaves an invalid index: start afresh.
        op.drop_index(
            "ix_todos_note", table_name="todos", postgresql_concurrently=True, if_exists=True
        )
        op.create_index("ix_todos_note", "todos", ["note"], postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_todos_note", table_name="todos", postgresql_concurrently=True, if_exists=True
        )
    op.drop_column("todos", "note", if_exists=True)
