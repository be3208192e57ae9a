"""Where the migrations live, and how the database's revision compares with the code's."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import URL, Connection

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


class SchemaStatus(StrEnum):
    CURRENT = "ok"  # at the code's head
    PENDING = "pending"  # revisions the code expects are not applied yet
    AHEAD = "ahead"  # at a revision this code does not know: a newer release migrated it


def alembic_config(
    url: URL | None = None,
    *,
    script_location: Path = MIGRATIONS_DIR,
    connection: Connection | None = None,
    output_buffer: TextIO | None = None,
) -> Config:
    """Alembic's config. migrations/env.py uses `connection` if given, else a new one to
    `url`, else the database settings; offline (--sql) it writes to `output_buffer`."""
    # The current stdout, not import time's: tests capture it.
    config = Config(str(ALEMBIC_INI), stdout=sys.stdout, output_buffer=output_buffer)
    config.set_main_option("script_location", str(script_location))
    if url is not None:
        config.attributes["database_url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def project_path(path: str | Path) -> str:
    """A path as people read it: relative to the project when it is inside."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def current_revisions(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


class MigrationScripts:
    """The revisions in the migrations folder, read once."""

    def __init__(self, script_location: Path = MIGRATIONS_DIR) -> None:
        self.directory = ScriptDirectory.from_config(
            alembic_config(script_location=script_location)
        )
        self.script_location = script_location
        self.heads = frozenset(self.directory.get_heads())
        self._known = {script.revision for script in self.directory.walk_revisions()}

    def status(self, current: frozenset[str]) -> SchemaStatus:
        if current - self._known:
            return SchemaStatus.AHEAD
        return SchemaStatus.PENDING if self.pending(current) else SchemaStatus.CURRENT

    def unknown(self, current: frozenset[str]) -> frozenset[str]:
        return current - self._known

    def pending(self, current: frozenset[str]) -> list[Script]:
        """The revisions to apply to go from `current` to the heads, in the order to apply them."""
        applied: set[str] = set()
        for revision in current & self._known:
            applied.update(s.revision for s in self.directory.iterate_revisions(revision, "base"))
        in_order = reversed(list(self.directory.walk_revisions()))
        return [script for script in in_order if script.revision not in applied]

    def revisions(self) -> list[Script]:
        """Every revision, in the order to apply them."""
        return list(reversed(list(self.directory.walk_revisions())))
