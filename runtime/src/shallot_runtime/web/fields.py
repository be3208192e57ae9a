"""Schema fields for JSON bodies, whose rules the OpenAPI document states as the code applies
them: text that is not blank, exact decimals in strings, booleans that are JSON's, BIGINT ids."""

import re
from decimal import Decimal

from marshmallow import fields, validate

# The whitespace str.strip() removes, spelled out so that the pattern means the same in the
# OpenAPI document (an ECMA regex, whose \s is another set) as in Python. Text is not blank,
# and holds no NUL character (PostgreSQL text cannot store one).
BLANK = r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[{BLANK}]*[^{BLANK}\x00][^\x00]*$"
# What a BIGINT column holds.
INT64 = validate.Range(min=-(2**63), max=2**63 - 1)


class Text(fields.String):
    """A string that is not blank, of at most `max_length` characters if given."""

    def __init__(self, max_length: int | None = None, **kwargs: object) -> None:
        rules: list[validate.Validator] = [
            validate.Regexp(NOT_BLANK, error="Must not be blank or hold a NUL character.")
        ]
        described = "Surrounding blanks are trimmed; what is left must not be empty"
        if max_length is not None:
            rules.insert(0, validate.Length(min=1, max=max_length))
            described += f" nor over {max_length} characters"
        kwargs.setdefault("metadata", {"description": described + "."})
        super().__init__(validate=rules, **kwargs)


class DecimalString(fields.Decimal):
    """An exact decimal as a JSON string ("120.50"), which no float rounds on its way: sent
    with `scale` digits after the point, accepted with up to that many."""

    def __init__(self, precision: int, scale: int, **kwargs: object) -> None:
        whole = rf"-?\d{{1,{precision - scale}}}" if precision > scale else "-?0"
        self.pattern = rf"^{whole}(\.\d{{1,{scale}}})?$" if scale else rf"^{whole}$"
        self.quantum = Decimal(1).scaleb(-scale)
        description = f"A decimal in a string: {precision} digits, {scale} after the point."
        metadata = {"type": "string", "pattern": self.pattern, "description": description}
        error = f"Not a decimal in a string of {precision} digits, {scale} after the point."
        super().__init__(
            as_string=True, metadata=metadata, error_messages={"invalid": error}, **kwargs
        )

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value.quantize(self.quantum))

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            raise self.make_error("invalid")
        return Decimal(value)


class JsonBoolean(fields.Boolean):
    """A boolean in a JSON body: true or false, not 1, 0 or "yes" (0 == False in Python)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
