"""What the templates are given: the resource, its fields as each layer writes them, and the
resources it refers to (its tests make one of each first)."""

from dataclasses import dataclass, field

from shallot.resource.fields import Field
from shallot.resource.imports import import_block
from shallot.resource.layers import FieldCode
from shallot.resource.names import Names


@dataclass(frozen=True)
class Resource:
    names: Names
    fields: list[FieldCode]
    references: dict[str, "Resource"] = field(default_factory=dict)  # by plural

    @classmethod
    def of(
        cls, names: Names, fields: list[Field], references: dict[str, "Resource"] | None = None
    ) -> "Resource":
        return cls(names, [FieldCode(f, names) for f in fields], references or {})

    def __getattr__(self, name: str):
        return getattr(self.names, name)

    @property
    def required(self) -> list[FieldCode]:
        """Fields with neither a default nor ?: the entity's first attributes."""
        return [f for f in self.fields if not f.optional and f.default is None]

    @property
    def defaulted(self) -> list[FieldCode]:
        return [f for f in self.fields if f.optional or f.default is not None]

    @property
    def checked(self) -> list[FieldCode]:
        return [f for f in self.fields if f.rule]

    @property
    def filters(self) -> list[FieldCode]:
        return [f for f in self.fields if f.filterable]

    @property
    def unique(self) -> list[FieldCode]:
        return [f for f in self.fields if f.unique]

    @property
    def refs(self) -> list[FieldCode]:
        return [f for f in self.fields if f.kind == "ref"]

    @property
    def enums(self) -> list[FieldCode]:
        return [f for f in self.fields if f.kind == "enum"]

    @property
    def constants(self) -> list[tuple[str, int]]:
        return [constant for f in self.fields for constant in f.constants]

    @property
    def ancestors(self) -> list["Resource"]:
        """Every resource this one refers to, directly or not, each after those it refers to."""
        ordered: list[Resource] = []
        for target in self.references.values():
            for resource in [*target.ancestors, target]:
                if resource.plural not in {r.plural for r in ordered}:
                    ordered.append(resource)
        return ordered

    def reference(self, f: FieldCode) -> "Resource":
        return self.references[f.target]

    def types_in(self, fields: list[FieldCode]) -> list[str]:
        """The imports of the types of FIELDS, from the domain."""
        imports = []
        for f in fields:
            imports += [i for i in f.domain_imports if not i.startswith("enum:")]
            if f.kind == "enum":
                imports.append(f"src.domain.models.{self.singular}:{f.enum_class}")
        return imports

    def needs(self, layer: str) -> list[str]:
        """The imports LAYER's module needs for these fields, beyond those every one has."""
        module = f"src.domain.models.{self.singular}"
        kinds = {f.kind for f in self.fields}
        enums = [f"{module}:{f.enum_class}" for f in self.enums]
        errors = "src.domain.exceptions:"
        if layer == "domain":
            rules = ["src.domain.rules:clean_text"] if kinds & {"str", "text"} else []
            rules += ["src.domain.rules:check_digits"] if "decimal" in kinds else []
            return [i for f in self.fields for i in f.domain_imports] + rules
        if layer == "table":
            checks = ["sqlalchemy:CheckConstraint"] if any(f.checks for f in self.fields) else []
            constants = [f"{module}:{name}" for name, _ in self.constants]
            return [i for f in self.fields for i in f.model_imports] + checks + constants
        if layer == "repository":
            refusals = (
                ["shallot_runtime.integrity:refusals_as"] if self.unique or self.refs else []
            )
            refusals += [errors + "DuplicateValue"] if self.unique else []
            refusals += [errors + "UnknownReference"] if self.refs else []
            return enums + refusals
        if layer == "schemas":
            own = {
                "str": "shallot_runtime.web.fields:Text",
                "text": "shallot_runtime.web.fields:Text",
                "int": "shallot_runtime.web.fields:INT64",
                "decimal": "shallot_runtime.web.fields:DecimalString",
                "bool": "shallot_runtime.web.fields:JsonBoolean",
            }
            constants = [f"{module}:{name}" for name, _ in self.constants]
            defaults = (
                ["decimal:Decimal"] if any(f.kind == "decimal" and f.default for f in self.fields) else []
            )
            return [own[kind] for kind in kinds if kind in own] + constants + enums + defaults
        samples = [i for f in self.fields for i in f.sample_imports]
        if layer == "domain tests":
            required = [i for f in self.required for i in f.sample_imports]
            checked = ["dataclasses", errors + "RuleViolation"] if self.checked else []
            decimals = ["decimal:Decimal"] if "decimal" in kinds else []
            limits = [f"{module}:{f.limits}" for f in self.checked if f.kind == "str"]
            defaults = [f"{module}:{f.enum_class}" for f in self.enums if f.default is not None]
            return required + checked + decimals + limits + defaults
        if layer == "service tests":
            checked = [errors + "RuleViolation"] if self.checked else []
            unique = [errors + "DuplicateValue"] if self.unique else []
            return samples + checked + unique
        if layer == "repository tests":
            for ancestor in self.ancestors:
                samples += [i for f in ancestor.fields for i in f.sample_imports]
                samples.append(f"src.domain.models.{ancestor.singular}:{ancestor.entity}")
                samples.append(
                    f"src.infrastructure.repositories.{ancestor.singular}_repository:SqlAlchemy{ancestor.entity}Repository"
                )
            samples += [errors + "DuplicateValue"] if self.unique else []
            samples += [errors + "UnknownReference", errors + "StillReferenced"] if self.refs else []
            return samples
        return []

    @staticmethod
    def imports(*groups: list[str] | str) -> str:
        """An import block of every entry in GROUPS (lists, or single entries)."""
        entries = [entry for group in groups for entry in ([group] if isinstance(group, str) else group)]
        return import_block(entries)
