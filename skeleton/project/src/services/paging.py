"""The bounds every paginated list keeps."""

from src.domain.constants import MAX_PAGE_SIZE
from src.domain.exceptions import RuleViolation


def offset_of(page: int, per_page: int) -> int:
    """How many items come before the page, once its number and size are within bounds."""
    if page < 1:
        raise RuleViolation("page", "Page must be 1 or more.")
    if not 1 <= per_page <= MAX_PAGE_SIZE:
        raise RuleViolation("per_page", f"Page size must be 1 to {MAX_PAGE_SIZE}.")
    return (page - 1) * per_page
