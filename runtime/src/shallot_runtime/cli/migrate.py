"""`manage.py migrate` (the migrate sidecar) and `manage.py lint-migrations`.

Every option of `migrate` can also come from its MIGRATE_* variable (the compose `migrate`
service reads them from .env); an option given on the command line wins.
"""

from datetime import timedelta

import click

from shallot_runtime.adapters.migrations import MigrationScripts, Project
from shallot_runtime.adapters.migrator.abort import run_until_signalled
from shallot_runtime.adapters.migrator.errors import MigratorError
from shallot_runtime.adapters.migrator.lint import Finding, lint
from shallot_runtime.adapters.migrator.settings import MigratorSettings
from shallot_runtime.cli.tools import opened_tools, project
from shallot_runtime.domain.window import MaintenanceMode

DEFAULTS = MigratorSettings()


def _option(name: str, help_text: str, **kwargs):
    """An option with its MIGRATE_* variable, e.g. --lock-wait and MIGRATE_LOCK_WAIT."""
    kwargs.setdefault("show_default", True)
    return click.option(
        f"--{name}",
        envvar="MIGRATE_" + name.upper().replace("-", "_"),
        show_envvar=True,
        help=help_text,
        **kwargs,
    )


def _seconds(name: str, default: timedelta, help_text: str, minimum: float = 0):
    return _option(
        name, help_text, type=click.FloatRange(min=minimum), default=default.total_seconds()
    )


@click.command()
@_option(
    "mode",
    "read-only serves reads and refuses writes; full refuses all but the health endpoints.",
    type=click.Choice([mode.value for mode in MaintenanceMode]),
    default=DEFAULTS.mode.value,
)
@_option(
    "reason",
    "Shown to clients and in the history [default: migrations FROM -> TO].",
    default="",
    show_default=False,
)
@_seconds(
    "ttl",
    DEFAULTS.lease,
    "The window's lease in seconds, renewed while the migrator"
    " works: if it dies, the window ends this long after the last renewal.",
    minimum=1,
)
@_seconds("lock-wait", DEFAULTS.lock_wait, "Seconds to wait for another migrator to finish.")
@_seconds("ack-wait", DEFAULTS.ack_wait, "Seconds to wait for the app instances to see the window.")
@_seconds(
    "lock-timeout",
    DEFAULTS.lock_timeout,
    "Seconds a statement may wait for a lock before its migration is retried.",
    minimum=0.001,
)
@_seconds(
    "statement-timeout", DEFAULTS.statement_timeout, "Seconds a statement may run.", minimum=0.001
)
@_option(
    "retries",
    "Retries of a migration whose lock wait timed out (after 0.5s, 1s, 2s...).",
    type=click.IntRange(min=0),
    default=DEFAULTS.retries,
)
def migrate(mode, reason, ttl, lock_wait, ack_wait, lock_timeout, statement_timeout, retries):
    """Apply the pending migrations in a maintenance window (the migrate sidecar).

    Takes the migration lock, lints the pending migrations with squawk, opens the window,
    waits until the app instances have seen it, applies the migrations, then closes the
    window and records it (`maintenance history`). SIGTERM aborts cleanly.
    """
    settings = MigratorSettings(
        mode=MaintenanceMode(mode),
        reason=reason,
        lease=timedelta(seconds=ttl),
        lock_wait=timedelta(seconds=lock_wait),
        ack_wait=timedelta(seconds=ack_wait),
        lock_timeout=timedelta(seconds=lock_timeout),
        statement_timeout=timedelta(seconds=statement_timeout),
        retries=retries,
    )
    with opened_tools() as tools:
        run = run_until_signalled(tools.migrator(settings).run)
    if run.applied:
        click.echo(f"migrate: applied {', '.join(run.applied)}")
    else:
        click.echo("migrate: nothing to apply")


@click.command("lint-migrations")
@click.option(
    "--pending",
    is_flag=True,
    help="Only the migrations the database has not had (this needs the database).",
)
def lint_migrations(pending: bool) -> None:
    """Lint the migrations' SQL with squawk, as `migrate` does first; no database needed.

    squawk's prefer-* rules are advice, shown only. A migration may allow a rule it breaks
    on purpose: squawk_allow = ("rule-name",).
    """
    if pending:
        with opened_tools() as tools:
            findings = tools.migrator(DEFAULTS).lint_pending()
        what = "the pending migrations"
    else:
        scripts = MigrationScripts(project()).revisions()
        findings = _lint_or_fail(scripts, project())
        what = f"{len(scripts)} migration(s)"
    for advice in (finding for finding in findings if not finding.blocking):
        click.echo(f"advice (does not stop a migration):\n{advice.describe()}", err=True)
    unsafe = [finding for finding in findings if finding.blocking]
    if unsafe:
        described = "\n".join(finding.describe() for finding in unsafe)
        raise click.ClickException(f"{len(unsafe)} unsafe operation(s):\n{described}")
    click.echo(f"lint-migrations: squawk finds nothing unsafe in {what}")


def _lint_or_fail(scripts, folder: Project) -> list[Finding]:
    try:
        return lint(scripts, DEFAULTS, folder)
    except MigratorError as error:
        raise click.ClickException(str(error)) from error
