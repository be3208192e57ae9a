"""Migrations a release adds, put after the project's own.

A release's migrations are numbered after the template's (0002_create_job_queue revises 0001);
a project that added migrations of its own has used those numbers already. Left as they are,
the two would share a revision id, or Alembic would find two heads. After an update, the
migrations it added are given the project's next numbers (where the project numbers its
revisions) and chained after the project's head, in their own order; their files keep their
names, which Alembic does not read.
"""

import re
from dataclasses import dataclass
from pathlib import Path

VERSIONS = "migrations/versions"
REVISION = re.compile(r"""^(revision\s*(?::[^=]*)?=\s*)["']([^"']+)["']""", re.MULTILINE)
DOWN_REVISION = re.compile(r"""^(down_revision\s*(?::[^=]*)?=\s*)(.+)$""", re.MULTILINE)
QUOTED = re.compile(r"""["']([^"']+)["']""")


@dataclass
class _Script:
    path: Path
    revision: str
    parents: tuple[str, ...]


def chain_added_migrations(folder: Path, added: list[str]) -> list[str]:
    """Renumbers and rechains the migrations in ADDED (paths in FOLDER) after the project's
    head; one line for each it rewrote (path: what changed). Nothing where the project has no
    migration of its own after the release's parents, or more than one head."""
    scripts = [_read(path) for path in sorted((folder / VERSIONS).glob("*.py"))]
    scripts = [script for script in scripts if script is not None]
    new_paths = {(folder / path).resolve() for path in added if path.startswith(VERSIONS + "/")}
    new = [script for script in scripts if script.path.resolve() in new_paths]
    own = [script for script in scripts if script.path.resolve() not in new_paths]
    if not new or not own:
        return []
    own_revisions = {script.revision for script in own}
    heads = own_revisions - {parent for script in own for parent in script.parents}
    if len(heads) != 1:
        return []
    (head,) = heads
    ordered = _in_order(new)
    first_parents = ordered[0].parents
    colliding = any(script.revision in own_revisions for script in new)
    if first_parents == (head,) and not colliding:
        return []
    renamed = _new_ids(ordered, own_revisions)
    lines = []
    for script in ordered:
        parents = (head,) if script is ordered[0] else tuple(renamed.get(p, p) for p in script.parents)
        revision = renamed[script.revision]
        _rewrite(script, revision, parents)
        lines.append(f"{script.path.relative_to(folder)}: revision {revision}, after {', '.join(parents)}")
    return lines


def _read(path: Path) -> _Script | None:
    text = path.read_text(encoding="utf-8")
    revision, down = REVISION.search(text), DOWN_REVISION.search(text)
    if revision is None:
        return None
    parents = tuple(QUOTED.findall(down[2])) if down else ()
    return _Script(path, revision[2], parents)


def _in_order(scripts: list[_Script]) -> list[_Script]:
    """The release's migrations, each after the ones it revises."""
    remaining = {script.revision: script for script in scripts}
    ordered: list[_Script] = []
    while remaining:
        ready = [s for s in remaining.values() if not set(s.parents) & set(remaining)]
        ready = ready or list(remaining.values())  # a cycle cannot be: take them as they come
        for script in sorted(ready, key=lambda s: s.revision):
            ordered.append(remaining.pop(script.revision))
    return ordered


def _new_ids(ordered: list[_Script], taken: set[str]) -> dict[str, str]:
    """The project's next numbers, where it numbers its revisions; else the ids they had, unless
    taken (then the id with a suffix)."""
    if all(revision.isdigit() for revision in taken):
        width = max(len(revision) for revision in taken)
        start = max(int(revision) for revision in taken) + 1
        return {script.revision: str(start + n).zfill(width) for n, script in enumerate(ordered)}
    return {s.revision: s.revision if s.revision not in taken else f"{s.revision}_shallot" for s in ordered}


def _rewrite(script: _Script, revision: str, parents: tuple[str, ...]) -> None:
    down = repr(parents[0]).replace("'", '"') if len(parents) == 1 else repr(parents).replace("'", '"')
    text = script.path.read_text(encoding="utf-8")
    text = REVISION.sub(lambda m: f'{m[1]}"{revision}"', text, count=1)
    text = DOWN_REVISION.sub(lambda m: f"{m[1]}{down}", text, count=1)
    text = re.sub(r"^Revision ID: .*$", f"Revision ID: {revision}", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^Revises: .*$", f"Revises: {', '.join(parents)}", text, count=1, flags=re.MULTILINE)
    script.path.write_text(text, encoding="utf-8")
