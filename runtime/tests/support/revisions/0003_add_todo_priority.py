"""add todo priority: a change to the todos table, after the job schema (0002_create_jobs)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("todos", sa.Column("priority", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("todos", "priority")
