"""Which database errors mean "the database cannot be reached right now", as opposed to a bug.

Those are worth a retry a few seconds later: the server is down, restarting or unreachable,
a connection broke, no pooled connection came free in time, or a statement ran past its
statement_timeout. PostgreSQL reports all of them as OperationalError through psycopg2.
"""

from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError


def is_database_unavailable(error: BaseException) -> bool:
    if isinstance(error, OperationalError | InterfaceError | DisconnectionError | PoolTimeoutError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated
