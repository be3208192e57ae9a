"""The migration a new resource needs, after the project's own: its revision id, what it
revises (the one head of migrations/versions) and its file's name (alembic.ini's template)."""

import configparser
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from shallot.errors import BadInput

REVISION = re.compile(r"""^revision\s*(?::\s*str\s*)?=\s*["']([^"']+)["']""", re.MULTILINE)
DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"


@dataclass(frozen=True)
class Migration:
    revision: str
    down_revision: str | None
    file_name: str
    created: str  # as Alembic writes it in the docstring


def next_migration(root: Path, slug: str, now: datetime) -> Migration:
    revisions, parents = _history(root / "migrations" / "versions")
    heads = sorted(set(revisions) - parents)
    if len(heads) > 1:
        raise BadInput(
            f"migrations/versions has {len(heads)} heads ({', '.join(heads)}); "
            "merge them first (python manage.py db merge heads)"
        )
    revision = _next_revision(revisions)
    values = {
        "rev": revision,
        "slug": slug,
        "epoch": int(now.timestamp()),
        "year": now.year,
        "month": now.month,
        "day": now.day,
        "hour": now.hour,
        "minute": now.minute,
        "second": now.second,
    }
    file_name = _file_template(root) % values + ".py"
    return Migration(revision, heads[0] if heads else None, file_name, now.strftime("%Y-%m-%d %H:%M:%S"))


def _history(versions: Path) -> tuple[list[str], set[str]]:
    revisions: list[str] = []
    parents: set[str] = set()
    for path in sorted(versions.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = REVISION.search(text)
        if found is None:
            continue
        revisions.append(found[1])
        down = DOWN_REVISION.search(text)
        parents.update(re.findall(r"""["']([^"']+)["']""", down[1]) if down else [])
    return revisions, parents


def _next_revision(revisions: list[str]) -> str:
    """The next number where the project numbers its revisions (0001, 0002); else Alembic's kind
    of id (12 hex digits)."""
    if revisions and all(r.isdigit() for r in revisions):
        width = max(len(r) for r in revisions)
        return str(max(int(r) for r in revisions) + 1).zfill(width)
    return uuid.uuid4().hex[-12:]


def _file_template(root: Path) -> str:
    config = configparser.ConfigParser()
    config.read(root / "alembic.ini", encoding="utf-8")
    return config.get("alembic", "file_template", fallback=DEFAULT_FILE_TEMPLATE)
