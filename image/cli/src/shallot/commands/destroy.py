"""`shallot destroy resource NAME`: take out what `generate resource` wrote, where unchanged."""

from pathlib import Path

import click

from shallot.commands.dependencies import PROJECT
from shallot.errors import BadInput
from shallot.resource.plan import CONTRACT, rewrite_contract
from shallot.resource.project import Project
from shallot.resource.record import Record
from shallot.resource.undo import undo_resource


@click.group()
def destroy() -> None:
    """Take out what `shallot generate` wrote: `shallot destroy resource --help`."""


@destroy.command()
@click.argument("name")
@PROJECT
def resource(name: str, project: Path) -> None:
    """Remove the resource NAME that `shallot generate resource` wrote: its files that are
    unchanged since, and its registrations. Files changed since stay, and are listed.

    Its migration goes too: downgrade a database that has it first (make downgrade).
    """
    folder = Project.at(project)
    record = folder.record(name)
    if record is None:
        raise BadInput(
            f"{name!r} was not made by `shallot generate resource` (no {Record.path(folder.root, name).relative_to(folder.root)})"
        )
    referring = [
        other.resource for other in folder.records() if other.resource != name and _refers(other, name)
    ]
    if referring:
        raise BadInput(
            f"{', '.join(referring)} refer{'s' if len(referring) == 1 else ''} to {name}; destroy {'it' if len(referring) == 1 else 'them'} first"
        )
    outcome = undo_resource(folder, record)
    for path in outcome.removed:
        click.echo(f"     removed  {path}")
    for path in outcome.unregistered:
        click.echo(f"     changed  {path}")
    problem = rewrite_contract(folder.root)
    if problem:
        click.echo(f"note: {CONTRACT} is not rewritten ({problem}); run `make openapi`", err=True)
    else:
        click.echo(f"rewrote {CONTRACT}")
    if outcome.kept:
        click.echo(
            f"kept, changed since they were generated ({len(outcome.kept)}): remove them yourself if they should go",
            err=True,
        )
        for line in outcome.kept:
            click.echo(f"  {line}", err=True)
    click.echo(f"{name}: {len(outcome.removed)} files removed, {len(outcome.kept)} kept")


def _refers(record: Record, name: str) -> bool:
    return any(f"ref({name})" in spec for spec in record.fields)
