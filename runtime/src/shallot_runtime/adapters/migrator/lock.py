"""One migrator at a time: a session-level advisory lock, on a connection of its own.

The lock is held for the whole run, and PostgreSQL releases it if the migrator dies.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Connection, Engine, func, select, text

from shallot_runtime.adapters.migrator.abort import Abort
from shallot_runtime.adapters.migrator.errors import MigratorBusy
from shallot_runtime.adapters.postgres.tables import advisory_lock_key

MIGRATION_LOCK_KEY = advisory_lock_key("shallot.migrate")
LOCK_POLL_SECONDS = 0.2

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
    """Polls with pg_try_advisory_lock instead of blocking in pg_advisory_lock: a statement that
    waits holds a snapshot, and a CREATE INDEX CONCURRENTLY in the running migration would wait
    for it in turn, until its lock_timeout failed it."""
    deadline = time.monotonic() + wait.total_seconds()
    while not connection.execute(select(func.pg_try_advisory_lock(MIGRATION_LOCK_KEY))).scalar():
        if time.monotonic() >= deadline:
            raise MigratorBusy(
                f"another migrator holds the migration lock ({_holder(connection)});"
                f" waited {wait.total_seconds():g}s. Let it finish, or wait longer with --lock-wait"
                " (MIGRATE_LOCK_WAIT)."
            )
        abort.sleep(LOCK_POLL_SECONDS)


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
