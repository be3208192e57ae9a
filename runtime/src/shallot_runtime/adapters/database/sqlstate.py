"""PostgreSQL's error codes (SQLSTATE) that the code tells apart."""

from sqlalchemy.exc import DBAPIError

LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout ran out
QUERY_CANCELED = "57014"  # statement_timeout ran out, or a cancel request


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a database error (wrapped by SQLAlchemy or not), else None."""
    original = error.orig if isinstance(error, DBAPIError) else error
    return getattr(original, "pgcode", None)
