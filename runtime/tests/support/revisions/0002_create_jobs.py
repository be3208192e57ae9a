"""create the job queue: procrastinate's schema, as a project's migration creates it

Revision ID: 0002
Revises: 0001
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
    op.execute(schema.create_sql("3.10.0"))


def downgrade() -> None:
    op.execute(schema.drop_sql())
