"""procrastinate's schema, created and upgraded by the project's own Alembic migrations, in
maintenance windows and linted like the others.

The migration that brings background jobs in:

    from shallot_runtime.jobs import schema

    def upgrade() -> None:
        op.execute(schema.create_sql("3.10.0"))

    def downgrade() -> None:
        op.execute(schema.drop_sql())

A migration must run the same SQL whenever it runs, on a new database years later too:
`create_sql(version)` is procrastinate's schema.sql as that release shipped it, kept here
unchanged (sql/procrastinate-VERSION.sql; procrastinate is MIT-licensed, (c) its
contributors), whichever procrastinate is installed. squawk finds only advice in it (its types
and serial ids are procrastinate's). When shallot moves to a newer procrastinate, a migration
brings the schema along, with the SQL files procrastinate ships for each release:

    op.execute(schema.upgrade_sql("3.10.0", "3.11.0"))                # with that release
    op.execute(schema.upgrade_sql("3.10.0", "3.11.0", phase="post"))  # in a later one

procrastinate splits a release's changes: the `pre` ones work with the code before it, and
are applied before the new code runs (a window's migrations always are); the `post` ones need
every worker on the new code, so they go in a migration of a later release. Files from before
procrastinate 3 made that split count as `pre`. Those files rename and drop functions, which
the lint stops: the migration that applies them allows those rules, by name, for its file.

procrastinate's tables are not in the project's models: `db check` must leave them out
(`TABLES`).
"""

import re
from importlib import resources
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Literal

import procrastinate.schema

INSTALLED = installed_version("procrastinate")
TABLES = frozenset(
    {
        "procrastinate_jobs",
        "procrastinate_events",
        "procrastinate_periodic_defers",
        "procrastinate_workers",
    }
)
_MIGRATION_NAME = re.compile(r"^(\d+)\.(\d+)\.(\d+)_(\d+)_(.+)\.sql$")
_OBJECTS = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
    procrastinate_jobs, procrastinate_workers CASCADE;
DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
    procrastinate_job_status CASCADE;
"""

Phase = Literal["pre", "post"]


class SchemaVersionError(ValueError):
    pass


def create_sql(version: str) -> str:
    """procrastinate's whole schema as release `version` created it."""
    snapshot = resources.files("shallot_runtime.jobs") / "sql" / f"procrastinate-{version}.sql"
    if not snapshot.is_file():
        known = ", ".join(sorted(snapshots())) or "none"
        raise SchemaVersionError(
            f"no copy of procrastinate {version}'s schema here (there are: {known}); create the"
            f" schema at one of those versions and upgrade it with upgrade_sql"
        )
    return snapshot.read_text(encoding="utf-8")


def snapshots() -> list[str]:
    """The versions `create_sql` knows."""
    folder = resources.files("shallot_runtime.jobs") / "sql"
    names = [entry.name for entry in folder.iterdir() if entry.name.endswith(".sql")]
    return [name.removeprefix("procrastinate-").removesuffix(".sql") for name in names]


def upgrade_sql(from_version: str, to_version: str, *, phase: Phase = "pre") -> str:
    """The SQL files procrastinate ships for the releases after `from_version`, up to and
    including `to_version`, of that phase, in order."""
    if _parse(to_version) > _parse(INSTALLED):
        raise SchemaVersionError(
            f"procrastinate {INSTALLED} is installed, older than {to_version}: its files stop"
            " at its own release"
        )
    if _parse(from_version) >= _parse(to_version):
        raise SchemaVersionError(f"{from_version} is not older than {to_version}")
    chosen = [
        path
        for path in migration_files()
        if _parse(from_version) < _version_of(path) <= _parse(to_version)
        and _phase_of(path) == phase
    ]
    return "\n".join(f"-- {path.name}\n{path.read_text(encoding='utf-8')}" for path in chosen)


def drop_sql() -> str:
    """Drops procrastinate's tables, types and functions: the jobs are lost."""
    functions = """
DO $$
DECLARE each regprocedure;
BEGIN
    FOR each IN SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'procrastinate\\_%'
    LOOP
        EXECUTE 'DROP FUNCTION ' || each || ' CASCADE';
    END LOOP;
END
$$;
"""
    return _OBJECTS + functions


def migration_files() -> list[Path]:
    folder = Path(procrastinate.schema.SchemaManager.get_migrations_path())
    return sorted(
        (path for path in folder.glob("*.sql") if _MIGRATION_NAME.match(path.name)),
        key=lambda path: (_version_of(path), path.name),
    )


def _version_of(path: Path) -> tuple[int, int, int]:
    match = _MIGRATION_NAME.match(path.name)
    if match is None:
        raise SchemaVersionError(f"{path.name} is not named like procrastinate's migrations")
    return (int(match[1]), int(match[2]), int(match[3]))


def _phase_of(path: Path) -> Phase:
    return "post" if "_post_" in path.name else "pre"


def _parse(version: str) -> tuple[int, int, int]:
    parts = re.match(r"^(\d+)\.(\d+)\.(\d+)", version)
    if parts is None:
        raise SchemaVersionError(f"{version!r} is not a version like 3.10.0")
    return (int(parts[1]), int(parts[2]), int(parts[3]))
