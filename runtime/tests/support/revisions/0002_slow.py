"""a migration that takes its time, to stop or kill the migrator in the middle

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT pg_sleep(20)")


def downgrade() -> None:
    pass
