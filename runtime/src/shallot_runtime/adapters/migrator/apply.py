"""Applying revisions one at a time, each in its own transaction (see migrations/env.py).

The session waits at most `lock_timeout` for a lock, so that a migration stuck behind a long
transaction gives up quickly instead of queueing every query behind it; it is retried with
exponential backoff. `statement_timeout` bounds each statement.
"""

import logging
from collections.abc import Sequence
from datetime import timedelta

from alembic import command
from alembic.config import Config
from alembic.script import Script
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError

from shallot_runtime.adapters.database.sqlstate import LOCK_NOT_AVAILABLE, QUERY_CANCELED, sqlstate
from shallot_runtime.adapters.migrations import Project
from shallot_runtime.adapters.migrator.abort import Abort
from shallot_runtime.adapters.migrator.errors import MigrationAborted, MigrationFailed
from shallot_runtime.adapters.migrator.settings import MigratorSettings

logger = logging.getLogger(__name__)

CLIENT_CHECK_INTERVAL = timedelta(seconds=1)


def apply_revisions(
    connection: Connection,
    scripts: Sequence[Script],
    settings: MigratorSettings,
    abort: Abort,
    project: Project,
) -> None:
    _set_timeouts(connection, settings)
    config = project.alembic_config(connection=connection)
    for script in scripts:
        _apply(connection, config, script, settings, abort, project)


def _apply(
    connection: Connection,
    config: Config,
    script: Script,
    settings: MigratorSettings,
    abort: Abort,
    project: Project,
) -> None:
    retries = 0
    while True:
        abort.check()
        try:
            with abort.cancels(connection.connection.dbapi_connection):
                command.upgrade(config, script.revision)
            return
        except DBAPIError as error:
            _end_transaction(connection)
            state = sqlstate(error)
            if state == QUERY_CANCELED and abort.requested:
                raise MigrationAborted(abort.reason) from error
            if state == LOCK_NOT_AVAILABLE and retries < settings.retries:
                retries += 1
                delay = settings.backoff(retries)
                logger.warning(
                    "migrate: %s waited over %gs for a lock; retry %d of %d in %gs",
                    script.revision,
                    settings.lock_timeout.total_seconds(),
                    retries,
                    settings.retries,
                    delay,
                )
                abort.sleep(delay)
                continue
            cause = _cause(error, settings)
            raise MigrationFailed(script.revision, project.relative(script.path), cause) from error
        except Exception as error:  # the migration's own Python went wrong
            _end_transaction(connection)
            cause = f"{type(error).__name__}: {error}"
            raise MigrationFailed(script.revision, project.relative(script.path), cause) from error


def _set_timeouts(connection: Connection, settings: MigratorSettings) -> None:
    """Session settings: they hold for every migration, autocommit blocks included."""
    values = {
        "lock_timeout": settings.lock_timeout,
        "statement_timeout": settings.statement_timeout,
    }
    if (connection.dialect.server_version_info or (0,)) >= (14,):
        # If the migrator is killed, the server stops its statement within a second, and
        # releases its locks, instead of running it to the end for nobody.
        values["client_connection_check_interval"] = CLIENT_CHECK_INTERVAL
    for name, value in values.items():
        milliseconds = str(int(value.total_seconds() * 1000))
        connection.execute(select(func.set_config(name, milliseconds, False)))
    connection.commit()  # Alembic begins its own transaction per migration


def _end_transaction(connection: Connection) -> None:
    if connection.in_transaction():
        connection.rollback()


def _cause(error: DBAPIError, settings: MigratorSettings) -> str:
    first_line = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    state = sqlstate(error)
    if state == LOCK_NOT_AVAILABLE:
        return (
            f"{first_line} (still after {settings.retries} retries: a long transaction holds"
            " a lock on the table; find it in pg_stat_activity)"
        )
    if state == QUERY_CANCELED:
        return (
            f"{first_line} (statement_timeout is {settings.statement_timeout.total_seconds():g}s;"
            " raise it with --statement-timeout, or make the statement cheaper)"
        )
    return first_line
