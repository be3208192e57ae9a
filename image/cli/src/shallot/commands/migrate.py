"""`shallot migrate`: run the project's migrator (`python manage.py migrate`) in the project folder."""

import os
import sys
from pathlib import Path

import click

from shallot.errors import ShallotError


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The project folder (the one holding manage.py).",
)
@click.argument("migrate_args", nargs=-1, type=click.UNPROCESSED)
def migrate(project: Path, migrate_args: tuple[str, ...]) -> None:
    """Apply the project's pending migrations in a maintenance window.

    Runs `python manage.py migrate` of the project in --project (default: the current
    folder); any further arguments are passed on, e.g. `shallot migrate --mode full`.
    """
    manage = project / "manage.py"
    if not manage.is_file():
        raise ShallotError(
            f"no manage.py in {project.resolve()}; run `shallot migrate` in a project made by `shallot new`, "
            "or give its folder with --project"
        )
    os.chdir(project)
    os.execv(sys.executable, [sys.executable, "manage.py", "migrate", *migrate_args])
