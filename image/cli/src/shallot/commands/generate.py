"""`shallot generate resource NAME FIELD...`: a resource through every layer of the project."""

from datetime import UTC, datetime
from pathlib import Path

import click

from shallot.commands.dependencies import PROJECT
from shallot.errors import BadInput
from shallot.resource.plan import CONTRACT, OVERRIDES, Plan, plan_resource, rewrite_contract
from shallot.resource.project import Project
from shallot.resource.record import Record


@click.group()
def generate() -> None:
    """Write code into the project: `shallot generate resource --help`."""


@generate.command()
@click.argument("name")
@click.argument("fields", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="List the files it would write and change; write nothing.")
@click.option("--force", is_flag=True, help="Change files that have changes not committed.")
@PROJECT
def resource(name: str, fields: tuple[str, ...], dry_run: bool, force: bool, project: Path) -> None:
    """A resource NAME (a plural: invoices) with FIELDS, through every layer: entity, use cases,
    table and migration, repository, schemas, routes under /v1/NAME, and their tests.

    \b
    Each field is NAME:TYPE[?][=DEFAULT][:unique]; the types:
      str(N) text int bool decimal(P,S) date datetime uuid enum(a|b|c) ref(OTHER)
    ? makes it optional (null), =VALUE gives a default, :unique a unique constraint;
    ref(customers) is a customer_id referring to the project's customers.
    \b
      shallot generate resource invoices number:str(32):unique amount:decimal(12,2) \\
        due_on:date paid:bool=false note:text? customer:ref(customers)

    The project's own templates, in .shallot/templates/resource/ under the names of the
    built-in ones, take their place. What it wrote is kept in .shallot/resources/NAME.json:
    commit it; `shallot destroy resource NAME` takes out what is unchanged since.
    """
    folder = Project.at(project)
    plan = plan_resource(folder, name, list(fields), datetime.now(UTC))
    dirty = folder.uncommitted(plan.touched())
    refusal = (
        f"{', '.join(dirty)} {'has' if len(dirty) == 1 else 'have'} changes not committed, and the generator "
        "changes them; commit or stash first, or give --force"
    )
    if dirty and not force and not dry_run:
        raise BadInput(refusal)
    if plan.overridden:
        click.echo(f"with the project's templates ({OVERRIDES}): {', '.join(plan.overridden)}")
    if dry_run:
        _list(plan, "would create", "would change")
        click.echo(
            f"would rewrite {CONTRACT}, and write {Record.path(folder.root, name).relative_to(folder.root)}"
        )
        if dirty and not force:
            click.echo(f"note: it would refuse: {refusal}", err=True)
        return
    plan.write()
    _list(plan, "created", "changed", written=True)
    problem = rewrite_contract(folder.root)
    if problem:
        click.echo(f"note: {CONTRACT} is not rewritten ({problem}); run `make openapi`", err=True)
    else:
        click.echo(f"rewrote {CONTRACT}")
    click.echo(
        f"{name}: {len(plan.created)} files created, {len(plan.changed)} changed; next: make migrate, make test"
    )


def _list(plan: Plan, create: str, change: str, written: bool = False) -> None:
    for path, text in plan.created.items():
        lines = (plan.project.read(path) if written else text).count("\n")
        click.echo(f"{create:>12}  {path} ({lines} lines)")
    for path in plan.changed:
        edits = [edit.shows for edit in plan.edits if edit.path == path]
        click.echo(f"{change:>12}  {path}: {'; '.join(edits)}")
