"""create the job queue (procrastinate's tables and functions, src/jobs.py)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 00:00:00
"""

from alembic import op
from shallot_runtime.jobs import schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
# squawk's advice on procrastinate's own schema, which is not this project's to change.
squawk_allow = ("prefer-bigint-over-int", "prefer-identity", "prefer-text-field")


def upgrade() -> None:
    # The schema as procrastinate 3.10.0 made it, the same SQL whenever this runs; a later
    # migration brings it to a newer release (schema.upgrade_sql, docs/jobs.md).
    op.execute(schema.create_sql("3.10.0"))


def downgrade() -> None:
    # The jobs waiting in the queue are lost with it.
    op.execute(schema.drop_sql())
