"""Alembic's environment: one transaction per migration, constraint names from the models.

The maintenance tables (src/infrastructure/maintenance/tables.py) live beside the app's but
outside its history: autogenerate and `db check` do not see them.
"""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from src.config import load_database_settings
from src.infrastructure.maintenance.tables import MAINTENANCE_TABLES
from src.infrastructure.models import Base

config = context.config


def include_name(name, type_, parent_names) -> bool:
    return not (type_ == "table" and name in MAINTENANCE_TABLES)


OPTIONS = {
    "target_metadata": Base.metadata,
    "compare_type": True,
    "transaction_per_migration": True,
    "include_name": include_name,
}


def run_offline() -> None:
    """`alembic upgrade A:B --sql` prints the SQL instead; no database needed (squawk lints it)."""
    context.configure(dialect_name="postgresql", literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_on(connection) -> None:
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """On the connection the caller handed over (the migrator's), else on a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = config.attributes.get("database_url") or load_database_settings().url
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        run_on(connection)
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
