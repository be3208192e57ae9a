"""Registrations in the project's own files: the lines that make a new resource known to the
unit of work, the composition root, the API and the fakes. Each edit writes its text in one
place, and finds it there again to take it out (`shallot destroy resource`)."""

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

from shallot.resource.imports import LINE_LENGTH


class WiringError(Exception):
    """The file has no place for the edit: it is not in the shape the generator knows."""


@dataclass(frozen=True)
class Edit(ABC):
    path: str

    @abstractmethod
    def apply(self, text: str) -> str:
        """TEXT with the edit."""

    @abstractmethod
    def undo(self, text: str) -> str | None:
        """TEXT without the edit, or None where it is not found as written."""

    @property
    @abstractmethod
    def shows(self) -> str:
        """What the edit adds, in a line."""


@dataclass(frozen=True)
class ImportLine(Edit):
    """`from src.x import Y`, in its place among the project's own imports."""

    line: str

    def apply(self, text: str) -> str:
        lines = text.splitlines(keepends=True)
        module = _module(self.line)
        own = [
            i
            for i, line in enumerate(lines)
            if line.startswith("from src.") or line.startswith("from tests.")
        ]
        if not own:
            raise WiringError(f"{self.path} has no `from src.` import to put {self.line!r} beside")
        later = [i for i in own if _module(lines[i]).lower() > module.lower()]
        at = later[0] if later else _end_of_statement(lines, own[-1])
        return "".join([*lines[:at], self.line + "\n", *lines[at:]])

    def undo(self, text: str) -> str | None:
        return _without(text, self.line + "\n")

    @property
    def shows(self) -> str:
        return self.line


@dataclass(frozen=True)
class Line(Edit):
    """LINE, after the last line that matches AFTER (a regular expression)."""

    after: str
    line: str

    def apply(self, text: str) -> str:
        lines = text.splitlines(keepends=True)
        matching = [i for i, line in enumerate(lines) if re.fullmatch(self.after, line.rstrip("\n"))]
        if not matching:
            raise WiringError(
                f"{self.path} has no line like {self.after!r} to put {self.line.strip()!r} after"
            )
        at = matching[-1] + 1
        return "".join([*lines[:at], self.line + "\n", *lines[at:]])

    def undo(self, text: str) -> str | None:
        return _without(text, self.line + "\n")

    @property
    def shows(self) -> str:
        return self.line.strip()


@dataclass(frozen=True)
class Block(Edit):
    """A top-level BLOCK (a class), before the line that matches BEFORE."""

    before: str
    block: str

    def apply(self, text: str) -> str:
        found = re.search(self.before, text, re.MULTILINE)
        if found is None:
            raise WiringError(f"{self.path} has no line like {self.before!r} to put a class before")
        return text[: found.start()] + self.block.rstrip("\n") + "\n\n\n" + text[found.start() :]

    def undo(self, text: str) -> str | None:
        return _without(text, self.block.rstrip("\n") + "\n\n\n")

    @property
    def shows(self) -> str:
        return self.block.splitlines()[0].rstrip(":")


@dataclass(frozen=True)
class Item(Edit):
    """ITEM in the tuple or list assigned to NAME (at the end, or in order if SORTED)."""

    name: str
    item: str
    sort: bool = False

    def apply(self, text: str) -> str:
        found, items = self._sequence(text)
        items = sorted([*items, self.item]) if self.sort else [*items, self.item]
        return self._with(text, found, items)

    def undo(self, text: str) -> str | None:
        try:
            found, items = self._sequence(text)
        except WiringError:
            return None
        if self.item not in items:
            return None
        return self._with(text, found, [item for item in items if item != self.item])

    @property
    def shows(self) -> str:
        return f"{self.item} in {self.name}"

    def _sequence(self, text: str) -> tuple[re.Match, list[str]]:
        found = re.search(
            rf"^{re.escape(self.name)} = (?P<open>[(\[])(?P<items>[^()\[\]]*)[)\]]", text, re.MULTILINE
        )
        if found is None:
            raise WiringError(f"{self.path} has no `{self.name} = (...)` to add {self.item} to")
        return found, [item.strip() for item in found["items"].split(",") if item.strip()]

    def _with(self, text: str, found: re.Match, items: list[str]) -> str:
        opening = found["open"]
        closing = ")" if opening == "(" else "]"
        one_line = f"{self.name} = {opening}{', '.join(items)}{',' if opening == '(' and len(items) == 1 else ''}{closing}"
        if len(one_line) <= LINE_LENGTH and "\n" not in found.group(0):
            written = one_line
        else:
            written = "\n".join([f"{self.name} = {opening}", *(f"    {item}," for item in items), closing])
        return text[: found.start()] + written + text[found.end() :]


def _module(line: str) -> str:
    return line.split()[1]


def _end_of_statement(lines: list[str], start: int) -> int:
    """The index after the import at START, which may go on over lines in parentheses."""
    if "(" not in lines[start] or ")" in lines[start]:
        return start + 1
    end = start
    while ")" not in lines[end]:
        end += 1
    return end + 1


def _without(text: str, piece: str) -> str | None:
    if piece not in text:
        return None
    at = text.rindex(piece)
    return text[:at] + text[at + len(piece) :]
