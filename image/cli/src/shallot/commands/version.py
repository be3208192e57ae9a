import click

from shallot import __version__


@click.command()
def version() -> None:
    """Print the shallot version."""
    click.echo(f"shallot {__version__}")
