"""The project's migrations (Alembic), and how the database's revision compares with the code's."""

import sys
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import URL, Connection


@dataclass(frozen=True)
class Project:
    """The project's folder, which holds alembic.ini and (by default) migrations/."""

    root: Path
    migrations: Path

    @classmethod
    def at(cls, root: Path | str) -> "Project":
        root = Path(root).resolve()
        return cls(root=root, migrations=root / "migrations")

    def with_migrations(self, migrations: Path) -> "Project":
        """The same project with its migrations in another folder (tests use copies)."""
        return replace(self, migrations=migrations)

    def alembic_config(
        self,
        url: URL | str | None = None,
        *,
        connection: Connection | None = None,
        output_buffer: TextIO | None = None,
    ) -> Config:
        """Alembic's config. migrations/env.py uses `connection` if given, else a new one to
        `url`, else the database settings; offline (--sql) it writes to `output_buffer`."""
        # The current stdout, not import time's: tests capture it.
        config = Config(
            str(self.root / "alembic.ini"), stdout=sys.stdout, output_buffer=output_buffer
        )
        config.set_main_option("script_location", str(self.migrations))
        if url is not None:
            config.attributes["database_url"] = url
        if connection is not None:
            config.attributes["connection"] = connection
        return config

    def relative(self, path: str | Path) -> str:
        """A path as people read it: relative to the project when it is inside."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)


class SchemaStatus(StrEnum):
    CURRENT = "ok"  # at the code's head
    PENDING = "pending"  # revisions the code expects are not applied yet
    AHEAD = "ahead"  # at a revision this code does not know: a newer release migrated it


def current_revisions(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


class MigrationScripts:
    """The revisions in the project's migrations folder, read once."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.directory = ScriptDirectory.from_config(project.alembic_config())
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
