"""One migrator at a time: a session-level advisory lock, on a connection of its own.

The lock is held for the whole run, and PostgreSQL releases it if the migrator dies.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from src.infrastructure.databases.sqlstate import LOCK_NOT_AVAILABLE, QUERY_CANCELED, sqlstate
from src.infrastructure.maintenance.tables import advisory_lock_key
from src.infrastructure.migrator.abort import Abort
from src.infrastructure.migrator.errors import MigrationAborted, MigratorBusy

MIGRATION_LOCK_KEY = advisory_lock_key("shallot.migrate")

HOLDER_QUERY = text("""
    SELECT a.pid, a.application_name, a.backend_start
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.classid = :high AND l.objid = :low
""")


@contextmanager
def migration_lock(engine: Engine, wait: timedelta, abort: Abort) -> Iterator[None]:
    """Holds the migration lock inside; waits up to `wait` for it, then raises MigratorBusy."""
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        _take(connection, wait, abort)
        try:
            yield
        finally:
            connection.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_KEY)))


def _take(connection: Connection, wait: timedelta, abort: Abort) -> None:
    milliseconds = max(int(wait.total_seconds() * 1000), 1)  # 0 would mean "wait for ever"
    connection.execute(select(func.set_config("lock_timeout", str(milliseconds), False)))
    try:
        with abort.cancels(connection.connection.dbapi_connection):
            connection.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_KEY)))
    except DBAPIError as error:
        if sqlstate(error) == QUERY_CANCELED and abort.requested:
            raise MigrationAborted(abort.reason) from None
        if sqlstate(error) != LOCK_NOT_AVAILABLE:
            raise
        raise MigratorBusy(
            f"another migrator holds the migration lock ({_holder(connection)});"
            f" waited {wait.total_seconds():g}s. Let it finish, or wait longer with --lock-wait"
            " (MIGRATE_LOCK_WAIT)."
        ) from None
    connection.execute(select(func.set_config("lock_timeout", "0", False)))


def _holder(connection: Connection) -> str:
    unsigned = MIGRATION_LOCK_KEY & 0xFFFFFFFFFFFFFFFF
    row = connection.execute(
        HOLDER_QUERY, {"high": unsigned >> 32, "low": unsigned & 0xFFFFFFFF}
    ).first()
    if row is None:
        return "it was released just now"
    started = row.backend_start.strftime("%Y-%m-%d %H:%M:%S %Z")
    application = row.application_name or "no application name"
    return f"backend pid {row.pid}, {application}, since {started}"
