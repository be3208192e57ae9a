"""The engine, guarded and bounded in time, and ending sessions quietly."""

import logging
from datetime import timedelta

from sqlalchemy import URL, Engine, create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

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


def create_database_engine(
    url: URL | str,
    application_name: str | None = None,
    *,
    connect_timeout: timedelta = DEFAULT_CONNECT_TIMEOUT,
    statement_timeout: timedelta | None = None,
) -> Engine:
    """`application_name` shows in pg_stat_activity, e.g. who holds a lock.

    `connect_timeout` bounds each attempt to connect (the host name lookup too, see
    ConnectGuard); `statement_timeout`, when given, bounds every statement of every session
    (PostgreSQL cancels it and the caller gets an error).
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
        pool_pre_ping=True,
        pool_timeout=connect_timeout.total_seconds(),
        connect_args=connect_args,
    )
    ConnectGuard(connect_timeout.total_seconds()).install(engine)
    return engine


def end_session(session: Session) -> None:
    """Closes a session whose work is done (committed, or to be rolled back).

    Its rollback fails when the database went away since the last statement; that is logged,
    not raised, for the response stands (a commit had already succeeded). The broken
    connection is left out of the pool, and the next session gets a new one.
    """
    try:
        session.close()
    except SQLAlchemyError as error:
        logger.warning("ending a session failed (%s); dropped it", type(error).__name__)
