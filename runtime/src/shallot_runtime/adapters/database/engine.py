"""The engine, guarded and bounded in time, and releasing connections quietly."""

import logging
import time
from datetime import timedelta

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

from shallot_runtime.adapters.database.connect_guard import ConnectGuard

logger = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT = timedelta(seconds=3)
# Notice a database that vanished without closing its connections (a host or network gone)
# within seconds, not the kernel's minutes.
TCP_KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
}
# A pooled connection left unused this long is checked (one round trip) before it is used
# again: the database may have restarted, or something between dropped it, meanwhile. Under
# load connections are never idle this long, so no request pays for a check; one that finds a
# connection broken all the same gets 503, and the pool drops every connection made before it.
IDLE_BEFORE_CHECK = timedelta(seconds=2)
_IDLE_SINCE = "shallot_runtime.idle_since"


def create_database_engine(
    url: URL | str,
    application_name: str | None = None,
    *,
    connect_timeout: timedelta = DEFAULT_CONNECT_TIMEOUT,
    statement_timeout: timedelta | None = None,
    autocommit: bool = False,
) -> Engine:
    """`application_name` shows in pg_stat_activity, e.g. who holds a lock.

    `connect_timeout` bounds each attempt to connect (the host name lookup too, see
    ConnectGuard); `statement_timeout`, when given, bounds every statement of every session
    (PostgreSQL cancels it and the caller gets an error). With `autocommit`, each statement
    stands alone: no BEGIN before it and no ROLLBACK after, one round trip where a transaction
    takes three; for work that only reads (at READ COMMITTED each statement of a transaction
    sees the data committed before it began anyway).
    """
    connect_args: dict[str, object] = {
        "connect_timeout": max(1, round(connect_timeout.total_seconds())),
        **TCP_KEEPALIVE,
    }
    if statement_timeout is not None:
        milliseconds = round(statement_timeout.total_seconds() * 1000)
        connect_args["options"] = f"-c statement_timeout={milliseconds}"
        connect_args["tcp_user_timeout"] = milliseconds
    if application_name:
        connect_args["application_name"] = application_name
    engine = create_engine(
        url,
        pool_timeout=connect_timeout.total_seconds(),
        connect_args=connect_args,
        **({"isolation_level": "AUTOCOMMIT"} if autocommit else {}),
    )
    ConnectGuard(connect_timeout.total_seconds()).install(engine)
    _check_after_idle(engine, IDLE_BEFORE_CHECK.total_seconds())
    return engine


def _check_after_idle(engine: Engine, idle_seconds: float) -> None:
    """SQLAlchemy's pre-ping, for connections idle IDLE_SECONDS or more only: one that fails
    it is replaced by a new one before anyone uses it."""

    @event.listens_for(engine, "checkin")
    def note_idle_since(_dbapi_connection: object, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def check_if_idle(
        dbapi_connection: object, record: ConnectionPoolEntry, _proxy: object
    ) -> None:
        # The record's info goes with its connection: a new one has none, and needs no check.
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(
                f"an idle pooled connection failed its check: {error}"
            ) from error


def release_connection(connection: Connection | Session) -> None:
    """Closes a unit of work's connection once its work is done (committed, or to be rolled
    back), which gives it back to the pool.

    Its rollback fails when the database went away since the last statement; that is logged,
    not raised, for the response stands (a commit had already succeeded). The broken
    connection is left out of the pool, and the next unit of work gets a new one. An ORM
    session is closed alike.
    """
    try:
        connection.close()
    except SQLAlchemyError as error:
        logger.warning("closing a connection failed (%s); dropped it", type(error).__name__)


# The name the unit of work of projects made before 0.3.0 imports, for its session.
end_session = release_connection
