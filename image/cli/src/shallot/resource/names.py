"""A resource's names in every layer, from the plural the command is given."""

import keyword
import re
from dataclasses import dataclass

from shallot.errors import BadInput
from shallot.resource.inflection import english
from shallot.resource.reserved import SQL_RESERVED

WORD = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
# Names the generated modules use for what they import: an entity may not take one.
TAKEN_CLASSES = frozenset(
    {"Any", "ApiBlueprint", "Base", "Clock", "Container", "Decimal", "Page", "Response", "Schema"}
)


def why_not(word: str) -> str | None:
    """Why WORD cannot name a module, a column and an attribute alike; None if it can."""
    if not WORD.fullmatch(word):
        return "is not a name: use lower case letters, digits and single underscores, from a letter"
    if keyword.iskeyword(word) or keyword.issoftkeyword(word):
        return "is a Python keyword"
    if word in SQL_RESERVED:
        return "is a reserved word of SQL"
    return None


def check_word(word: str, what: str) -> str:
    """WORD, or a refusal that names it as WHAT."""
    reason = why_not(word)
    if reason:
        raise BadInput(f"{what} {word!r} {reason}; choose another name")
    return word


@dataclass(frozen=True)
class Names:
    plural: str  # invoices: the collection, its table, its blueprint
    singular: str  # invoice: the entity's module

    @classmethod
    def of(cls, plural: str) -> "Names":
        check_word(plural, "resource name")
        singular = english().singular_noun(plural)
        if not singular or singular == plural:
            raise BadInput(
                f"resource name {plural!r} is not a plural with a singular of its own "
                "(the collection: invoices, line_items, people)"
            )
        reason = why_not(singular)
        if reason:
            raise BadInput(
                f"resource name {plural!r}: its singular {singular!r} {reason}; choose another name"
            )
        names = cls(plural, singular)
        if names.entity in TAKEN_CLASSES:
            raise BadInput(
                f"resource name {plural!r} makes a class {names.entity}, a name the project uses already"
            )
        return names

    @property
    def entity(self) -> str:
        """Invoice, LineItem: the entity's class."""
        return "".join(part.capitalize() for part in self.singular.split("_"))

    @property
    def label(self) -> str:
        """line item: the entity in a sentence."""
        return self.singular.replace("_", " ")

    @property
    def labels(self) -> str:
        return self.plural.replace("_", " ")

    @property
    def id(self) -> str:
        """invoice_id: the id's name in routes and functions."""
        return f"{self.singular}_id"

    @property
    def url(self) -> str:
        return "/v1/" + self.plural.replace("_", "-")
