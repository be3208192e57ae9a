"""The test project's one table, as its migration 0001 creates it."""

import sqlalchemy as sa

metadata = sa.MetaData()

todos = sa.Table(
    "todos",
    metadata,
    sa.Column("id", sa.Integer, sa.Identity(always=False), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("done", sa.Boolean, server_default=sa.false(), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("completed_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("length(btrim(title)) > 0", name="ck_todos_title_not_blank"),
)
