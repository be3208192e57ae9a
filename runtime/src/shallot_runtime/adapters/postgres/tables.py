"""The maintenance tables. They are not part of the app's migrations: the migrator needs them
before it runs any, and `db check` ignores them (see migrations/env.py). Whoever needs them
first creates them; doing so again changes nothing.

  shallot_maintenance            the current window: one row, or none
  shallot_maintenance_history    every window that has ended, with its outcome
  shallot_maintenance_instances  each app process: its heartbeat and the window it has seen

Every change to the current window is announced with NOTIFY on CHANNEL.
"""

import hashlib
from datetime import timedelta

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Double,
    Identity,
    Integer,
    MetaData,
    Table,
    Text,
    delete,
    func,
    select,
    true,
)

CHANNEL = "shallot_maintenance"
# Instances that have not reported for this long are forgotten.
FORGET_INSTANCES_AFTER = timedelta(hours=1)


def advisory_lock_key(name: str) -> int:
    """A stable 64-bit key for pg_advisory_lock, derived from a readable name."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


SCHEMA_LOCK_KEY = advisory_lock_key("shallot.maintenance.schema")

metadata = MetaData()


def _timestamp(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _window_columns() -> list[Column]:
    return [
        Column("window_id", Text, nullable=False),
        Column("mode", Text, nullable=False),
        Column("reason", Text, nullable=False),
        Column("holder", Text, nullable=False),
        Column("from_revision", Text),
        Column("to_revision", Text),
    ]


current_window = Table(
    "shallot_maintenance",
    metadata,
    Column("singleton", Boolean, primary_key=True, server_default=true()),
    *_window_columns(),
    _timestamp("opened_at"),
    _timestamp("expires_at"),
    CheckConstraint("singleton", name="shallot_maintenance_one_row"),
)

window_history = Table(
    "shallot_maintenance_history",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    *_window_columns(),
    _timestamp("started_at"),
    _timestamp("ended_at"),
    Column("outcome", Text, nullable=False),
    Column("error", Text),
    Column("propagation_ms", Double),
    Column("instances", Integer, nullable=False),
)

instances = Table(
    "shallot_maintenance_instances",
    metadata,
    Column("instance", Text, primary_key=True),
    _timestamp("heartbeat_at"),
    Column("seen_window", Text),
    _timestamp("seen_at", nullable=True),
)

MAINTENANCE_TABLES = frozenset(metadata.tables)


def ensure_tables(connection: Connection) -> None:
    """Creates the tables that are missing, one creator at a time, and forgets dead instances."""
    with connection.begin():
        connection.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
        metadata.create_all(connection, checkfirst=True)
        forgotten_before = func.now() - FORGET_INSTANCES_AFTER
        connection.execute(delete(instances).where(instances.c.heartbeat_at < forgotten_before))
