"""The database's refusals, said in the domain's words: a repository names the error its
domain raises for each constraint a statement may break."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

FOREIGN_KEY_VIOLATION = "23503"

Refusal = Callable[[], Exception]


@contextmanager
def refusals_as(errors: Mapping[str, Refusal]) -> Iterator[None]:
    """Raises `errors[name]()` when the statement breaks the constraint of that name."""
    try:
        yield
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        if constraint not in errors:
            raise
        raise errors[constraint]() from error


@contextmanager
def referenced_as(refusal: Refusal) -> Iterator[None]:
    """Raises `refusal()` when rows of any table still refer to a row the statement deletes."""
    try:
        yield
    except IntegrityError as error:
        if getattr(error.orig, "pgcode", None) != FOREIGN_KEY_VIOLATION:
            raise
        raise refusal() from error
