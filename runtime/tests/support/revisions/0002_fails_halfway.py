"""a migration that fails after its first change, which must be rolled back

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("todos", sa.Column("doomed", sa.Text(), nullable=True))
    op.execute("SELECT 1 / 0")


def downgrade() -> None:
    op.drop_column("todos", "doomed")
