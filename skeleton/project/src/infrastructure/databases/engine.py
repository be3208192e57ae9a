"""The engine and the request-scoped sessions."""

from sqlalchemy import URL, Engine, create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

CONNECT_TIMEOUT_SECONDS = 5


def create_database_engine(url: URL | str, application_name: str | None = None) -> Engine:
    """`application_name` shows in pg_stat_activity, e.g. who holds a lock."""
    connect_args: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if application_name:
        connect_args["application_name"] = application_name
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def create_scoped_sessions(engine: Engine) -> scoped_session:
    """One session per thread; the app removes it at the end of every request."""
    return scoped_session(sessionmaker(engine, expire_on_commit=False))
