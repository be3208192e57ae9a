"""The maintenance window on PostgreSQL: the current row, the history, the instances' reports.

Every write to the current window NOTIFYs in its own transaction, so the listeners hear of
it exactly when it is committed.
"""

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from shallot_runtime.adapters.postgres.tables import (
    CHANNEL,
    current_window,
    ensure_tables,
    instances,
    window_history,
)
from shallot_runtime.domain.window import MaintenanceMode, MaintenanceWindow, Outcome, WindowRecord
from shallot_runtime.services.ports import Acknowledgements, Clock

# An instance that has not reported for this long is taken for dead (it reports every second).
LIVE_WITHIN = timedelta(seconds=5)
# What an empty live set means, no more: an app reports from when it is built, and one that has
# not reported yet (e.g. forked after the build) reads the window before it serves a request.
NO_LIVE_INSTANCE = (
    f"no app instance has reported in the last {LIVE_WITHIN.total_seconds():.0f}s;"
    " one that starts later reads the window before it serves"
)


class PostgresMaintenanceStore:
    """The tables are created on first use, if need be."""

    def __init__(self, engine: Engine, clock: Clock, live_within: timedelta = LIVE_WITHIN) -> None:
        self._engine = engine
        self._clock = clock
        self._live_within = live_within
        self._tables_ensured = False

    def current(self) -> MaintenanceWindow | None:
        with self._connect() as connection:
            return read_window(connection)

    def open(self, window: MaintenanceWindow, replacing: WindowRecord | None) -> bool:
        values = _window_values(window)
        with self._begin() as connection:
            if replacing is None:
                statement = pg_insert(current_window).values(values).on_conflict_do_nothing()
            else:
                statement = (
                    update(current_window)
                    .where(current_window.c.window_id == replacing.window_id)
                    .values(values)
                )
            if connection.execute(statement).rowcount != 1:
                return False
            if replacing is not None:
                connection.execute(insert(window_history).values(_record_values(replacing)))
            _notify(connection, window.id)
        return True

    def renew(self, window: MaintenanceWindow) -> bool:
        with self._begin() as connection:
            renewed = connection.execute(
                update(current_window)
                .where(current_window.c.window_id == window.id)
                .values(expires_at=window.expires_at)
            ).rowcount
            _notify(connection, window.id)
        return renewed == 1

    def close(self, record: WindowRecord) -> None:
        with self._begin() as connection:
            connection.execute(
                delete(current_window).where(current_window.c.window_id == record.window_id)
            )
            connection.execute(insert(window_history).values(_record_values(record)))
            _notify(connection, "")

    def history(self, limit: int) -> list[WindowRecord]:
        query = select(window_history).order_by(window_history.c.id.desc()).limit(limit)
        with self._connect() as connection:
            return [_to_record(row) for row in connection.execute(query).mappings()]

    def acknowledgements(self, window_id: str | None) -> Acknowledgements:
        since = self._clock.now() - self._live_within
        query = (
            select(instances.c.instance, instances.c.seen_window, instances.c.seen_at)
            .where(instances.c.heartbeat_at > since)
            .order_by(instances.c.instance)
        )
        with self._connect() as connection:
            rows = connection.execute(query).all()
        seen_times = [r.seen_at for r in rows if r.seen_window == window_id and r.seen_at]
        return Acknowledgements(
            instances=tuple(r.instance for r in rows),
            waiting_for=tuple(r.instance for r in rows if r.seen_window != window_id),
            last_seen_at=max(seen_times) if seen_times else None,
        )

    def _connect(self) -> Connection:
        self._ensure_tables()
        return self._engine.connect()

    def _begin(self) -> AbstractContextManager[Connection]:
        self._ensure_tables()
        return self._engine.begin()

    def _ensure_tables(self) -> None:
        if not self._tables_ensured:
            with self._engine.connect() as connection:
                ensure_tables(connection)
            self._tables_ensured = True


def read_window(connection: Connection) -> MaintenanceWindow | None:
    row = connection.execute(select(current_window)).mappings().first()
    return None if row is None else _to_window(row)


def report_seen(
    connection: Connection,
    instance: str,
    window_id: str | None,
    seen_at: datetime,
    now: datetime,
) -> None:
    """An instance's heartbeat, with the window it has seen (None: that there is none)."""
    values = {
        "instance": instance,
        "heartbeat_at": now,
        "seen_window": window_id,
        "seen_at": seen_at,
    }
    statement = pg_insert(instances).values(values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[instances.c.instance],
            set_={name: statement.excluded[name] for name in values if name != "instance"},
        )
    )


def forget_instance(connection: Connection, instance: str) -> None:
    connection.execute(delete(instances).where(instances.c.instance == instance))


def _notify(connection: Connection, payload: str) -> None:
    connection.execute(select(func.pg_notify(CHANNEL, payload)))


def _window_values(window: MaintenanceWindow) -> dict[str, Any]:
    return {
        "window_id": window.id,
        "mode": window.mode.value,
        "reason": window.reason,
        "holder": window.holder,
        "from_revision": window.from_revision,
        "to_revision": window.to_revision,
        "opened_at": window.opened_at,
        "expires_at": window.expires_at,
    }


def _to_window(row: RowMapping) -> MaintenanceWindow:
    return MaintenanceWindow(
        id=row["window_id"],
        mode=MaintenanceMode(row["mode"]),
        reason=row["reason"],
        holder=row["holder"],
        opened_at=row["opened_at"],
        expires_at=row["expires_at"],
        from_revision=row["from_revision"],
        to_revision=row["to_revision"],
    )


def _record_values(record: WindowRecord) -> dict[str, Any]:
    propagation = record.propagation
    return {
        "window_id": record.window_id,
        "mode": record.mode.value,
        "reason": record.reason,
        "holder": record.holder,
        "from_revision": record.from_revision,
        "to_revision": record.to_revision,
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "outcome": record.outcome.value,
        "error": record.error,
        "propagation_ms": None if propagation is None else propagation.total_seconds() * 1000,
        "instances": record.instances,
    }


def _to_record(row: RowMapping) -> WindowRecord:
    propagation_ms = row["propagation_ms"]
    return WindowRecord(
        window_id=row["window_id"],
        mode=MaintenanceMode(row["mode"]),
        reason=row["reason"],
        holder=row["holder"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        outcome=Outcome(row["outcome"]),
        from_revision=row["from_revision"],
        to_revision=row["to_revision"],
        error=row["error"],
        propagation=None if propagation_ms is None else timedelta(milliseconds=propagation_ms),
        instances=row["instances"],
    )
