"""One field as each layer writes it: the entity's attribute and rule, the table's column, the
migration's, the schemas' fields, and the values the tests give it."""

import json
from dataclasses import dataclass
from decimal import Decimal

from shallot.resource.fields import Field
from shallot.resource.names import Names

# A value for the n-th entity of a test (n from 1 to 9); each unique field differs with n.
PYTHON_SAMPLES = {
    "int": ("{n}", "{n}"),
    "date": ("date(2030, 1, {n})", '"2030-01-0{n}"'),
    "datetime": ("datetime(2030, 1, {n}, 9, 30, tzinfo=UTC)", '"2030-01-0{n}T09:30:00+00:00"'),
    "uuid": ("UUID(int={n})", '"00000000-0000-0000-0000-00000000000{n}"'),
}


@dataclass(frozen=True)
class FieldCode:
    field: Field
    owner: Names

    def __getattr__(self, name: str):
        return getattr(self.field, name)

    # --- the domain

    @property
    def label(self) -> str:
        """Due on: the field at the start of a sentence."""
        return self.attribute.replace("_", " ").capitalize()

    @property
    def constants(self) -> list[tuple[str, int]]:
        """The limits the domain, the table and the schemas share."""
        upper = self.name.upper()
        if self.kind == "str":
            return [(f"{upper}_MAX_LENGTH", self.length)]
        if self.kind == "decimal":
            return [(f"{upper}_PRECISION", self.precision), (f"{upper}_SCALE", self.scale)]
        return []

    @property
    def limits(self) -> str:
        return ", ".join(name for name, _ in self.constants)

    @property
    def enum_class(self) -> str:
        return self.owner.entity + "".join(part.capitalize() for part in self.name.split("_"))

    @property
    def python_type(self) -> str:
        kinds = {
            "str": "str",
            "text": "str",
            "int": "int",
            "bool": "bool",
            "decimal": "Decimal",
            "date": "date",
            "datetime": "datetime",
            "uuid": "UUID",
            "ref": "int",
        }
        return self.enum_class if self.kind == "enum" else kinds[self.kind]

    @property
    def annotation(self) -> str:
        return f"{self.python_type} | None" if self.optional else self.python_type

    @property
    def default_python(self) -> str:
        if self.optional:
            return "None"
        return self._python_literal(self.default)

    @property
    def domain_imports(self) -> list[str]:
        modules = {"Decimal": "decimal", "date": "datetime", "datetime": "datetime", "UUID": "uuid"}
        imports = [f"{modules[self.python_type]}:{self.python_type}"] if self.python_type in modules else []
        if self.kind == "enum":
            imports.append("enum:StrEnum")
        return imports

    @property
    def rule(self) -> str | None:
        """The statement that keeps the field's rule on `self`, if it has one."""
        attribute = f"self.{self.attribute}"
        if self.kind == "str":
            return f'{attribute} = clean_text("{self.attribute}", {attribute}, {self.limits})'
        if self.kind == "text":
            return f'{attribute} = clean_text("{self.attribute}", {attribute})'
        if self.kind == "decimal":
            return f'check_digits("{self.attribute}", {attribute}, {self.limits})'
        return None

    # --- the table and its migration

    @property
    def column_type(self) -> str | None:
        """The SQLAlchemy type of the table's column (None: the annotation's)."""
        types = {
            "str": f"String({self.limits})",
            "text": "Text",
            "int": "BigInteger",
            "bool": None,
            "decimal": f"Numeric({self.limits})",
            "date": "Date",
            "datetime": "DateTime(timezone=True)",
            "uuid": "Uuid",
            "enum": f"String({self.enum_length})",
            "ref": "BigInteger",
        }
        return types[self.kind]

    @property
    def enum_length(self) -> int:
        return max(map(len, self.choices), default=0)

    @property
    def mapped(self) -> str:
        """`Mapped[...] = mapped_column(...)`, the table's column."""
        python_type = "str" if self.kind == "enum" else self.python_type
        arguments = [self.column_type] if self.column_type else []
        if self.kind == "ref":
            arguments.append(f'ForeignKey("{self.target}.id")')
        if self.unique:
            arguments.append("unique=True")
        if self.filterable:
            arguments.append("index=True")
        if self.default is not None:
            arguments.append(f"server_default={self._server_default('model')}")
        optional = " | None" if self.optional else ""
        return f"Mapped[{python_type}{optional}] = mapped_column({', '.join(arguments)})"

    @property
    def model_imports(self) -> list[str]:
        names = [self.column_type.partition("(")[0]] if self.column_type else []
        if self.kind == "ref":
            names.append("ForeignKey")
        if self.default is not None and self.kind == "bool":
            names.append(self.default)  # sqlalchemy's true() and false()
        if self.default is not None and self.kind != "bool":
            names.append("text")
        imports = [f"sqlalchemy:{name}" for name in names]
        if self.python_type in ("Decimal", "date", "datetime", "UUID"):
            imports += self.domain_imports
        return imports

    @property
    def checks(self) -> list[tuple[str, str]]:
        """(name, SQL) of the table's check constraints for this field."""
        column = self.attribute
        if self.kind in ("str", "text"):
            return [(f"{column}_not_blank", f"length(btrim({column})) > 0")]
        if self.kind == "enum":
            values = ", ".join(f"'{choice}'" for choice in self.choices)
            return [(f"{column}_known", f"{column} IN ({values})")]
        return []

    @property
    def migration_column(self) -> str:
        types = {
            "str": f"sa.String(length={self.length})",
            "text": "sa.Text()",
            "int": "sa.BigInteger()",
            "bool": "sa.Boolean()",
            "decimal": f"sa.Numeric(precision={self.precision}, scale={self.scale})",
            "date": "sa.Date()",
            "datetime": "sa.DateTime(timezone=True)",
            "uuid": "sa.Uuid()",
            "enum": f"sa.String(length={self.enum_length})",
            "ref": "sa.BigInteger()",
        }
        arguments = [f'"{self.attribute}"', types[self.kind]]
        if self.default is not None:
            arguments.append(f"server_default={self._server_default('migration')}")
        arguments.append(f"nullable={self.optional}")
        return f"sa.Column({', '.join(arguments)})"

    def _server_default(self, where: str) -> str:
        if self.kind == "bool":
            return f"{self.default}()" if where == "model" else f'sa.text("{self.default}")'
        literal = self.default if self.kind in ("int", "decimal") else "'" + self.default.strip() + "'"
        return f'text("{literal}")' if where == "model" else f'sa.text("{literal}")'

    # --- the API

    @property
    def output_field(self) -> str:
        """The field in the entity's schema, as responses have it."""
        types = {
            "str": "fields.String",
            "text": "fields.String",
            "int": "fields.Integer",
            "bool": "fields.Boolean",
            "date": "fields.Date",
            "datetime": "fields.AwareDateTime",
            "uuid": "fields.UUID",
            "ref": "fields.Integer",
        }
        if self.kind == "decimal":
            call = f"DecimalString({self.limits}, "
        elif self.kind == "enum":
            call = f"fields.Enum({self.enum_class}, by_value=True, "
        else:
            call = f"{types[self.kind]}("
        return call + ("allow_none=True, required=True)" if self.optional else "required=True)")

    def input_field(self, patch: bool = False) -> str:
        """The field in the create schema (or the patch schema's, which requires nothing)."""
        arguments = {
            "str": ("Text", [self.limits]),
            "text": ("Text", []),
            "int": ("fields.Integer", ["strict=True", "validate=INT64"]),
            "bool": ("JsonBoolean", []),
            "decimal": ("DecimalString", [self.limits]),
            "date": ("fields.Date", []),
            "datetime": ("fields.AwareDateTime", []),
            "uuid": ("fields.UUID", []),
            "enum": ("fields.Enum", [self.enum_class, "by_value=True"]),
            "ref": ("fields.Integer", ["strict=True", "validate=validate.Range(min=1)"]),
        }
        call, given = arguments[self.kind]
        given = list(given)
        if self.optional:
            given.append("allow_none=True")
        if not patch and self.optional:
            given.append("load_default=None")
        elif not patch and self.default is not None:
            given.append(f"load_default={self._python_literal(self.default)}")
        elif not patch:
            given.append("required=True")
        return f"{call}({', '.join(given)})"

    @property
    def query_field(self) -> str:
        if self.kind == "bool":
            return "fields.Boolean(load_default=None)"
        if self.kind == "enum":
            return f"fields.Enum({self.enum_class}, by_value=True, load_default=None)"
        return "fields.Integer(load_default=None, validate=validate.Range(min=1))"

    # --- the tests

    @property
    def sample_imports(self) -> list[str]:
        """What python_value() needs imported."""
        imports = {
            "decimal": ["decimal:Decimal"],
            "date": ["datetime:date"],
            "uuid": ["uuid:UUID"],
            "datetime": ["datetime:UTC", "datetime:datetime"],
            "enum": [f"src.domain.models.{self.owner.singular}:{self.enum_class}"],
        }
        return imports.get(self.kind, [])

    def python_value(self, n: int | str = "n") -> str:
        """A valid value, as Python, for the n-th entity (n a number or the name of one)."""
        if self.kind in PYTHON_SAMPLES:
            return self._fill(PYTHON_SAMPLES[self.kind][0], n)
        if self.kind == "decimal":
            return f"Decimal({self.json_value(n)})"
        if self.kind == "enum":
            if isinstance(n, int):
                return f"{self.enum_class}.{self.choices[(n - 1) % 2].upper()}"
            return f"list({self.enum_class})[({n} - 1) % 2]"
        return self.json_value(n)

    def json_value(self, n: int | str = "n") -> str:
        """The same value, as it is in JSON (a Python expression)."""
        if self.kind in PYTHON_SAMPLES:
            return self._fill(PYTHON_SAMPLES[self.kind][1], n)
        if self.kind == "bool":
            return str(n % 2 == 1) if isinstance(n, int) else f"{n} % 2 == 1"
        if self.kind == "enum":
            if isinstance(n, int):
                return json.dumps(self.choices[(n - 1) % 2])
            return f"{json.dumps(self.choices[:2])}[({n} - 1) % 2]"
        if self.kind in ("str", "text"):
            label = self.label if self.length is None or self.length >= len(self.label) + 2 else ""
            return self._fill(json.dumps(f"{label} {{n}}".strip()), n)
        if self.kind == "decimal":
            return self._fill(f'"{self._decimal_sample()}"', n)
        return self._fill("{n}", n)

    @property
    def broken_value(self) -> str:
        """A value that breaks the field's rule (for a field with one)."""
        return 'Decimal("NaN")' if self.kind == "decimal" else '" "'

    @property
    def json_default(self) -> str:
        """What a response has for the field when a request left it out."""
        if self.optional:
            return "None"
        if self.kind == "decimal":
            value = Decimal(self.default).quantize(Decimal(1).scaleb(-self.scale))
            return json.dumps(str(value))
        if self.kind in ("str", "text", "enum"):
            return json.dumps(self.default.strip())
        return self._python_literal(self.default)

    def _decimal_sample(self) -> str:
        if not self.scale:
            return "{n}"
        if self.precision == self.scale:
            return "0.{n}" + "0" * (self.scale - 1)
        return "{n}." + "5".ljust(self.scale, "0")

    def _fill(self, template: str, n: int | str) -> str:
        if isinstance(n, int):
            return template.replace("{n}", str(n))
        if template.startswith('"') and "{n}" in template:
            return "f" + template.replace("{n}", f"{{{n}}}")
        return template.replace("{n}", n)

    def _python_literal(self, value: str) -> str:
        if self.kind == "bool":
            return value.capitalize()
        if self.kind == "decimal":
            return f'Decimal("{value}")'
        if self.kind == "enum":
            return f"{self.enum_class}.{value.upper()}"
        if self.kind in ("str", "text"):
            return json.dumps(value.strip())
        return value
