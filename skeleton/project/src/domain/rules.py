"""Rules that values of any entity follow; each refusal names its field."""

from decimal import Decimal

from src.domain.exceptions import RuleViolation


def clean_text(field: str, value: str, max_length: int | None = None) -> str:
    """The value without surrounding blanks, or a refusal if nothing is left or too much."""
    cleaned = value.strip()
    if max_length is None and not cleaned:
        raise RuleViolation(field, f"{_label(field)} must not be blank.")
    if max_length is not None and not 1 <= len(cleaned) <= max_length:
        raise RuleViolation(
            field,
            f"{_label(field)} must be 1 to {max_length} characters long once blanks are trimmed.",
        )
    return cleaned


def check_digits(field: str, value: Decimal, precision: int, scale: int) -> Decimal:
    """The value, or a refusal if it has more digits than `precision` in all and `scale`
    after the point (those of a NUMERIC(precision, scale) column)."""
    _, digits, exponent = value.as_tuple()
    finite = isinstance(exponent, int)  # not NaN, not infinite
    if not finite or -exponent > scale or len(digits) + exponent > precision - scale:
        raise RuleViolation(
            field,
            f"{_label(field)} must be a number with at most {precision - scale} digits before"
            f" the point and {scale} after it.",
        )
    return value


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()
