"""What every maintenance and migrate command needs: the tools, and one-line errors."""

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.exc import OperationalError

from src.config import ConfigError, load_database_settings
from src.dependency_container import Tools, build_tools
from src.domain.exceptions import DomainError
from src.infrastructure.migrator.errors import MigratorError


@contextmanager
def opened_tools() -> Iterator[Tools]:
    """The tools on the configured database; their failures become one-line errors (exit 1)."""
    try:
        database = load_database_settings()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    tools = build_tools(database)
    try:
        yield tools
    except (DomainError, MigratorError) as error:
        raise click.ClickException(str(error)) from error
    except OperationalError as error:
        cause = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise click.ClickException(
            f"cannot reach the database {database.name} at {database.host}:{database.port}: {cause}"
        ) from error
    finally:
        tools.close()
