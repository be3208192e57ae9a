"""The project's migrations/env.py, in one call:

    from alembic import context
    run_migrations(context, Base.metadata, database_url=lambda: load_database_settings().url)

One transaction per migration; types compared by autogenerate; the maintenance tables kept
out of autogenerate and `db check` (they live beside the app's, outside its history). The
migrator hands its own connection over (`config.attributes["connection"]`); `manage.py db`
hands over the URL; offline (`--sql`, which the squawk lint uses) needs no database.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import URL, MetaData, create_engine
from sqlalchemy.pool import NullPool

from shallot_runtime.adapters.migrations import Project
from shallot_runtime.adapters.postgres.tables import MAINTENANCE_TABLES
from shallot_runtime.jobs.schema import TABLES as JOB_TABLES


def alembic_config(project_root: Path | str, url: URL | str | None = None) -> Config:
    """Alembic's config for the project's migrations, on `url` (else the env.py's own URL)."""
    return Project.at(project_root).alembic_config(url)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's include_name: everything but shallot's tables (the maintenance window's, and the
    job queue's, which a migration creates from procrastinate's own SQL)."""
    return not (type_ == "table" and (name in MAINTENANCE_TABLES or name in JOB_TABLES))


def run_migrations(
    context: Any,
    target_metadata: MetaData,
    database_url: Callable[[], URL | str],
    **options: Any,
) -> None:
    """Runs the migrations Alembic asked for; `options` go to `context.configure` as well."""
    options = {
        "target_metadata": target_metadata,
        "compare_type": True,
        "transaction_per_migration": True,
        "include_name": include_name,
        **options,
    }
    if context.is_offline_mode():
        context.configure(dialect_name="postgresql", literal_binds=True, **options)
        _run(context)
        return
    attributes = context.config.attributes
    connection = attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **options)
        _run(context)
        return
    engine = create_engine(attributes.get("database_url") or database_url(), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **options)
            _run(context)
    finally:
        engine.dispose()


def _run(context: Any) -> None:
    with context.begin_transaction():
        context.run_migrations()
