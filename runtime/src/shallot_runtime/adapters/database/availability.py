"""Which database errors mean "the database cannot be reached right now", as opposed to a bug.

Those are worth a retry a few seconds later: the server is down, restarting or unreachable,
a connection broke, no pooled connection came free in time, or a statement ran past its
statement_timeout. PostgreSQL reports all of them as OperationalError through psycopg2, and
a connection that broke under a cursor as InterfaceError.
"""

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
)
