"""Alembic's environment: one transaction per migration, constraint names from the models."""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from src.config import load_database_settings
from src.infrastructure.models import Base

config = context.config
OPTIONS = {
    "target_metadata": Base.metadata,
    "compare_type": True,
    "transaction_per_migration": True,
}


def database_url():
    return config.attributes.get("database_url") or load_database_settings().url


def run_offline() -> None:
    """`alembic upgrade head --sql` prints the SQL instead (e.g. for `squawk` to lint)."""
    context.configure(url=database_url(), literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = create_engine(database_url(), poolclass=NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
