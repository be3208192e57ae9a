"""Taking a generated resource out again: its files where their digest is still the one
recorded, its registrations where they are still as written; the rest is listed."""

from dataclasses import dataclass, field

from shallot.resource import wiring
from shallot.resource.project import Project
from shallot.resource.record import Record, digest

EDITS = {kind.__name__: kind for kind in (wiring.ImportLine, wiring.Line, wiring.Block, wiring.Item)}


@dataclass
class Undone:
    removed: list[str] = field(default_factory=list)
    unregistered: list[str] = field(default_factory=list)  # files whose registrations came out
    kept: list[str] = field(default_factory=list)  # what is left, and why


def undo_resource(project: Project, record: Record) -> Undone:
    undone = Undone()
    for path, written in record.files.items():
        target = project.root / path
        if not target.is_file():
            continue
        if digest(target.read_text(encoding="utf-8")) != written:
            undone.kept.append(f"{path} (changed)")
            continue
        target.unlink()
        undone.removed.append(path)
    texts: dict[str, str] = {}
    for saved in reversed(record.edits):
        edit = _edit(saved)
        text = texts.get(edit.path) or _read(project, edit.path)
        if text is None:
            continue
        without = edit.undo(text)
        if without is None:
            undone.kept.append(f"{edit.path}: {edit.shows} (not found as written; take it out yourself)")
            continue
        texts[edit.path] = without
    for path, text in texts.items():
        (project.root / path).write_text(text, encoding="utf-8")
        undone.unregistered.append(path)
    Record.path(project.root, record.resource).unlink()
    return undone


def _edit(saved: dict) -> wiring.Edit:
    kind = EDITS[saved["kind"]]
    return kind(**{name: value for name, value in saved.items() if name != "kind"})


def _read(project: Project, path: str) -> str | None:
    target = project.root / path
    return target.read_text(encoding="utf-8") if target.is_file() else None
