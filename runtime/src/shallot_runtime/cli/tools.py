"""What every command needs: the project's `Operations`, its tools, and one-line errors."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from shallot_runtime.adapters.migrations import Project
from shallot_runtime.adapters.migrator.errors import MigratorError
from shallot_runtime.domain.errors import MaintenanceError
from shallot_runtime.operations import Operations, Tools

BUILD_KEY = "shallot_runtime.operations"
PROJECT_KEY = "shallot_runtime.project"


def project() -> Project:
    """The project's folder, as the command group was made with."""
    return click.get_current_context().meta[PROJECT_KEY]


def operations() -> Operations:
    """The project's Operations, from the factory the command group was made with."""
    build: Callable[[], Operations] = click.get_current_context().meta[BUILD_KEY]
    return build()


@contextmanager
def opened_tools() -> Iterator[Tools]:
    """The tools on the configured database; their failures become one-line errors (exit 1)."""
    built = operations()
    tools = built.tools()
    try:
        yield tools
    except (MaintenanceError, MigratorError) as error:
        raise click.ClickException(str(error)) from error
    except OperationalError as error:
        url = make_url(built.database_url)
        cause = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise click.ClickException(
            f"cannot reach the database {url.database} at {url.host}:{url.port}: {cause}"
        ) from error
    finally:
        tools.close()
