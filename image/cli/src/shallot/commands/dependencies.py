"""`shallot add|remove|lock|upgrade|sync`: the project's own dependencies, through uv.

The project declares them in pyproject.toml and locks them in uv.lock. It resolves on top of
the shallot image: the image's pins are constraints there (`[tool.uv]
constraint-dependencies`), so what the image has is never installed again, and installing
(`sync`) adds to the image's environment without removing anything from it.
"""

from pathlib import Path

import click

from shallot import uv

PROJECT = click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    show_default=True,
    help="The project folder (the one holding pyproject.toml).",
)
SYNC = ["sync", "--locked", "--inexact", "--no-install-project"]


def _project(folder: Path) -> Path:
    if not (folder / "pyproject.toml").is_file():
        raise click.UsageError(f"no pyproject.toml in {folder.resolve()}; run it in a project")
    return folder


@click.command()
@click.argument("requirements", nargs=-1, required=True)
@click.option("--dev", is_flag=True, help="Add to the dev group (tests and tools).")
@click.option("--sync/--no-sync", default=True, show_default=True, help="Install at once.")
@PROJECT
def add(requirements: tuple[str, ...], dev: bool, sync: bool, project: Path) -> None:
    """Add packages, e.g. `shallot add "humanize>=4"`: pyproject.toml, uv.lock, then install."""
    folder = _project(project)
    wanted = " ".join(requirements)
    uv.run(folder, "add", "--no-sync", *(["--dev"] if dev else []), *requirements, what=f"cannot add {wanted}")
    if sync:
        uv.run(folder, *SYNC, what=f"added {wanted} but cannot install it")
    click.echo(f"added {wanted}" + ("" if sync else " (installed by the next image build)"))


@click.command()
@click.argument("packages", nargs=-1, required=True)
@click.option("--dev", is_flag=True, help="Remove from the dev group.")
@PROJECT
def remove(packages: tuple[str, ...], dev: bool, project: Path) -> None:
    """Remove packages from pyproject.toml and uv.lock."""
    names = " ".join(packages)
    uv.run(
        _project(project), "remove", "--no-sync", *(["--dev"] if dev else []), *packages, what=f"cannot remove {names}"
    )
    click.echo(f"removed {names}")


@click.command()
@PROJECT
def lock(project: Path) -> None:
    """Write uv.lock again from pyproject.toml (after editing it by hand)."""
    uv.run(_project(project), "lock", what="cannot lock")
    click.echo("uv.lock is up to date")


@click.command()
@click.argument("packages", nargs=-1)
@PROJECT
def upgrade(packages: tuple[str, ...], project: Path) -> None:
    """Move locked packages to their newest allowed versions (all, or PACKAGES).

    Packages the shallot image pins stay at the image's versions: a newer shallot image
    moves them (`shallot update`).
    """
    which = [f"--upgrade-package={name}" for name in packages] or ["--upgrade"]
    uv.run(_project(project), "lock", *which, what="cannot upgrade")
    click.echo(f"upgraded {' '.join(packages) or 'every package'} in uv.lock")


@click.command()
@click.option("--offline", is_flag=True, help="Use only what is downloaded already.")
@PROJECT
def sync(offline: bool, project: Path) -> None:
    """Install what uv.lock holds beyond the image, exactly as locked (image builds use it)."""
    uv.run(_project(project), *SYNC, *(["--offline"] if offline else []), what="cannot install the locked packages")
