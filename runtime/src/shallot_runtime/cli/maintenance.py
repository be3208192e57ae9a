"""`manage.py maintenance on|off|status|history`: maintenance windows by hand.

A window opened by hand ends when `off` closes it or when its lease (--ttl) runs out,
whichever comes first; nobody renews it.
"""

from datetime import UTC, datetime, timedelta

import click

from shallot_runtime.adapters.postgres.identity import holder_name
from shallot_runtime.cli import formatting
from shallot_runtime.cli.tools import opened_tools
from shallot_runtime.domain.window import MaintenanceMode, Outcome

MODES = click.Choice([mode.value for mode in MaintenanceMode])


@click.group()
def maintenance() -> None:
    """Maintenance windows: open one by hand, close it, see it, and the past ones."""


@maintenance.command()
@click.option(
    "--mode",
    type=MODES,
    default="read-only",
    show_default=True,
    help="read-only refuses writes; full refuses everything but the health endpoints.",
)
@click.option(
    "--reason",
    default="maintenance",
    show_default=True,
    help="Shown to clients and in the history.",
)
@click.option(
    "--ttl",
    type=click.FloatRange(min=1),
    default=900,
    show_default=True,
    help="Seconds until the window ends by itself.",
)
@click.option(
    "--ack-wait",
    type=click.FloatRange(min=0),
    default=5,
    show_default=True,
    help="Seconds to wait for the app instances to see it.",
)
def on(mode: str, reason: str, ttl: float, ack_wait: float) -> None:
    """Open a window now."""
    with opened_tools() as tools:
        window = tools.maintenance.open(
            mode=mode, reason=reason, holder=holder_name("manual"), lease=timedelta(seconds=ttl)
        )
        seen = tools.maintenance.wait_until_seen(window, timedelta(seconds=ack_wait))
    click.echo(
        f"open: {window.mode.value} until {formatting.moment(window.expires_at)}: {window.reason}"
    )
    click.echo(f"  instances:  {formatting.acknowledgements(seen, window)}")
    click.echo("  end it with: python manage.py maintenance off")


@maintenance.command()
def off() -> None:
    """Close the open window (whoever holds it)."""
    with opened_tools() as tools:
        record = tools.maintenance.close_current()
    if record is None:
        click.echo("no maintenance window is open")
    elif record.outcome is Outcome.EXPIRED:
        click.echo(f"the window had already expired at {formatting.moment(record.ended_at)}")
    else:
        click.echo(
            f"closed: the {record.mode.value} window held by {record.holder},"
            f" open for {formatting.duration(record.duration)}"
        )


@maintenance.command()
def status() -> None:
    """Show the current window, and which app instances have seen it."""
    now = datetime.now(UTC)
    with opened_tools() as tools:
        window = tools.maintenance.current()
        live = window if window is not None and window.is_open(now) else None
        seen = tools.maintenance.acknowledgements(live)
    if window is None:
        click.echo("no maintenance window")
    elif live is None:
        click.echo(
            f"no maintenance window: the last one, held by {window.holder}, expired at"
            f" {formatting.moment(window.expires_at)} without being closed"
        )
    else:
        for line in formatting.open_window(window, now):
            click.echo(line)
    click.echo(f"  instances:  {formatting.acknowledgements(seen, live)}")


@maintenance.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
def history(limit: int) -> None:
    """List the windows that have ended, newest first, with their outcome."""
    with opened_tools() as tools:
        records = tools.maintenance.history(limit)
    if not records:
        click.echo("no maintenance window has ended yet")
        return
    click.echo(formatting.HISTORY_HEADER)
    for record in records:
        for line in formatting.history_line(record):
            click.echo(line)
