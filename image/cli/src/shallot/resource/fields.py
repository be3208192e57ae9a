"""The field list: `NAME:TYPE[?][=DEFAULT][:unique]` each, read into `Field`s or refused in one line.

number:str(32):unique  amount:decimal(12,2)  due_on:date  paid:bool=false  note:text?
status:enum(draft|sent|paid)=draft  customer:ref(customers)
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from shallot.errors import BadInput
from shallot.resource.names import why_not

TYPES = "str(N), text, int, bool, decimal(P,S), date, datetime, uuid, enum(a|b|c), ref(OTHER)"
SYNTAX = re.compile(
    r"(?P<name>[^:]+):(?P<kind>[^:()?=]+)(?:\((?P<arguments>[^()]*)\))?"
    r"(?P<optional>\?)?(?:=(?P<default>[^:]*))?(?::(?P<flag>.*))?"
)
WITHOUT_ARGUMENTS = ("text", "int", "bool", "date", "datetime", "uuid")
WITH_ARGUMENTS = {"str": "str(N)", "decimal": "decimal(P,S)", "enum": "enum(a|b|c)", "ref": "ref(OTHER)"}
# Columns every resource has, the list's parameters, and names the generated code uses.
GENERATED = ("id", "created_at", "page", "per_page", "offset", "limit", "fields", "validate", "self", "cls")
MAX_VARCHAR = 10_485_760  # PostgreSQL's
MAX_NUMERIC_PRECISION = 1000


@dataclass(frozen=True)
class Field:
    spec: str  # as written
    name: str
    kind: str
    length: int | None = None  # str(N)
    precision: int | None = None  # decimal(P,S)
    scale: int | None = None
    choices: tuple[str, ...] = ()  # enum(a|b|c)
    target: str | None = None  # ref(OTHER): the plural of the resource referred to
    optional: bool = False
    default: str | None = None  # as written, checked against the type
    unique: bool = False

    @property
    def attribute(self) -> str:
        """The entity's attribute and the column: customer_id for customer:ref(customers)."""
        if self.kind == "ref" and not self.name.endswith("_id"):
            return f"{self.name}_id"
        return self.name

    @property
    def filterable(self) -> bool:
        """Whether the list can be filtered by it: a choice among few values, or a reference."""
        return self.kind in ("bool", "enum", "ref")


def parse_fields(specs: list[str] | tuple[str, ...]) -> list[Field]:
    """Every field of SPECS, or a one-line refusal for the first that breaks a rule."""
    fields = [parse_field(spec) for spec in specs]
    seen: dict[str, str] = {}
    for field in fields:
        if field.attribute in seen:
            raise BadInput(
                f"fields {seen[field.attribute]!r} and {field.spec!r} have the same name; rename one"
            )
        seen[field.attribute] = field.spec
    return fields


def parse_field(spec: str) -> Field:
    match = SYNTAX.fullmatch(spec)
    if match is None:
        raise _bad(spec, "is not NAME:TYPE[?][=DEFAULT][:unique], e.g. amount:decimal(12,2) or note:text?")
    name, kind, arguments = match["name"], match["kind"], match["arguments"]
    reason = why_not(name)
    if reason:
        raise _bad(spec, f"names it {name!r}, which {reason}; choose another name")
    if name in GENERATED:
        raise _bad(spec, f"names it {name!r}, which the generated code uses already; choose another name")
    field = Field(spec=spec, name=name, kind=kind, optional=bool(match["optional"]), default=match["default"])
    field = _typed(field, arguments)
    if match["flag"] is not None:
        field = _flagged(field, match["flag"])
    if field.default is not None:
        _check_default(field)
    return field


def _typed(field: Field, arguments: str | None) -> Field:
    spec, kind = field.spec, field.kind
    if kind in WITHOUT_ARGUMENTS:
        if arguments is not None:
            raise _bad(spec, f"gives {kind} arguments; write {field.name}:{kind}")
        return field
    if kind not in WITH_ARGUMENTS:
        raise _bad(spec, f"has the unknown type {kind!r}; the types are {TYPES}")
    if arguments is None:
        raise _bad(spec, f"needs the arguments of its type: {WITH_ARGUMENTS[kind]}")
    if kind == "str":
        return replace(field, length=_number(spec, arguments, "N", 1, MAX_VARCHAR))
    if kind == "decimal":
        return _decimal(field, arguments)
    if kind == "enum":
        return _enum(field, arguments)
    return _ref(field, arguments)


def _decimal(field: Field, arguments: str) -> Field:
    precision, _, scale = arguments.partition(",")
    if not scale:
        raise _bad(field.spec, "needs a precision and a scale: decimal(P,S), e.g. decimal(12,2)")
    digits = _number(field.spec, precision.strip(), "P", 1, MAX_NUMERIC_PRECISION)
    return replace(field, precision=digits, scale=_number(field.spec, scale.strip(), "S", 0, digits))


def _enum(field: Field, arguments: str) -> Field:
    choices = tuple(choice.strip() for choice in arguments.split("|"))
    for choice in choices:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", choice):
            raise _bad(
                field.spec, f"has the value {choice!r}: values are lower case words, e.g. enum(draft|sent)"
            )
    if len(choices) < 2 or len(set(choices)) < len(choices):
        raise _bad(field.spec, "needs two values or more, each once, e.g. enum(draft|sent)")
    return replace(field, choices=choices)


def _ref(field: Field, arguments: str) -> Field:
    target = arguments.strip()
    reason = why_not(target)
    if reason:
        raise _bad(
            field.spec,
            f"refers to {target!r}, which {reason}; give the resource's plural, e.g. ref(customers)",
        )
    return replace(field, target=target)


def _flagged(field: Field, flag: str) -> Field:
    if flag != "unique":
        raise _bad(
            field.spec, f"ends in {flag!r}; the one flag is :unique, after the type and any ? or =DEFAULT"
        )
    if field.kind in ("bool", "enum"):
        raise _bad(field.spec, f"makes a {field.kind} unique, which allows only a few rows; drop :unique")
    return replace(field, unique=True)


def _check_default(field: Field) -> None:
    spec, value = field.spec, field.default
    if field.optional:
        raise _bad(
            spec, "is optional (?) and has a default (=): a missing value is one or the other; drop one"
        )
    if field.kind in ("date", "datetime", "uuid", "ref"):
        raise _bad(spec, f"gives a {field.kind} a default, which the generator does not write; drop =...")
    if field.unique:
        raise _bad(spec, "gives a unique field a default, which only one row could take; drop one")
    if field.kind == "bool" and value not in ("true", "false"):
        raise _bad(spec, f"has the default {value!r}; a bool's is true or false")
    if field.kind == "int" and not re.fullmatch(r"-?\d+", value):
        raise _bad(spec, f"has the default {value!r}, which is not an int")
    if field.kind == "enum" and value not in field.choices:
        raise _bad(
            spec, f"has the default {value!r}, which is not one of its values ({', '.join(field.choices)})"
        )
    if field.kind in ("str", "text") and not value.strip():
        raise _bad(spec, "has a blank default; text is never blank")
    if field.kind == "str" and len(value.strip()) > field.length:
        raise _bad(spec, f"has a default longer than {field.length} characters")
    if field.kind == "decimal" and not _fits(value, field.precision, field.scale):
        raise _bad(
            spec,
            f"has the default {value!r}, not a decimal of {field.precision} digits, {field.scale} after the point",
        )


def _fits(value: str, precision: int, scale: int) -> bool:
    try:
        _, digits, exponent = Decimal(value).as_tuple()
    except InvalidOperation:
        return False
    return isinstance(exponent, int) and -exponent <= scale and len(digits) + exponent <= precision - scale


def _number(spec: str, text: str, what: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
        raise _bad(spec, f"has {what} = {text!r}; it is a whole number from {low} to {high}")
    return int(text)


def _bad(spec: str, problem: str) -> BadInput:
    return BadInput(f"field {spec!r} {problem}")
