"""manage.py's commands from the runtime: `migrate`, `lint-migrations`, `maintenance`, `db`.

    cli = commands(build_operations, project_root=PROJECT_ROOT)   # then the project's own:
    @cli.command() ...

`build_operations` is called when a command needs the database (after manage.py has loaded
.env), and may raise click.ClickException to refuse a bad configuration in one line.
`lint-migrations` needs only the project's folder.
"""

from collections.abc import Callable
from pathlib import Path

import click

from shallot_runtime.adapters.migrations import Project
from shallot_runtime.cli.alembic import db
from shallot_runtime.cli.maintenance import maintenance
from shallot_runtime.cli.migrate import lint_migrations, migrate
from shallot_runtime.cli.tools import BUILD_KEY, PROJECT_KEY
from shallot_runtime.operations import Operations


def commands(
    build_operations: Callable[[], Operations],
    *,
    project_root: Path | str,
    help: str | None = None,
) -> click.Group:
    """A command group holding the runtime's commands; add the project's own to it."""

    @click.group(help=help)
    @click.pass_context
    def group(context: click.Context) -> None:
        context.meta[BUILD_KEY] = build_operations
        context.meta[PROJECT_KEY] = Project.at(project_root)

    for command in (migrate, lint_migrations, maintenance, db):
        group.add_command(command)
    return group
