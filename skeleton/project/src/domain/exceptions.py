"""What can go wrong in the domain, said in the domain's own words.

Each error carries a stable `code`; the API turns the kind of error into an HTTP status.
"""


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    code = "not_found"


class ConflictError(DomainError):
    code = "conflict"


class RuleViolation(DomainError):
    """A value breaks a rule of the domain; `field` names the value."""

    code = "validation_error"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class DuplicateValue(ConflictError):
    """A value that must be unique is another's already."""

    code = "already_exists"

    def __init__(self, entity: str, field: str) -> None:
        super().__init__(f"Another {entity} has this {field}.")
        self.field = field


class UnknownReference(RuleViolation):
    """A reference to something that does not exist."""

    def __init__(self, field: str, entity: str) -> None:
        super().__init__(field, f"No {entity} has this id.")


class StillReferenced(ConflictError):
    """Deleting what others still refer to."""

    code = "still_referenced"

    def __init__(self, entity: str, entity_id: int) -> None:
        message = f"{entity.capitalize()} {entity_id} is still referred to; delete those first."
        super().__init__(message)
