"""The lint of migrations, before anything is applied: each revision's SQL, as Alembic renders
it offline, goes through squawk (https://squawkhq.com/docs/rules), preceded by the timeouts
that the migrator sets on its session.

Squawk's `prefer-*` rules are advice (types, re-runnable statements): they are shown, and
do not stop anything. Every other rule is about locks and rewrites, and stops the run unless
the migration allows it, by name, for that file only, saying why in a comment:

    squawk_allow = ("adding-not-nullable-field",)  # the table is empty at this point

A `.squawk.toml` in the project folder applies to every file (squawk reads it itself).
"""

import io
import json
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.script import Script

from shallot_runtime.adapters.migrations import Project
from shallot_runtime.adapters.migrator.errors import MigratorError
from shallot_runtime.adapters.migrator.settings import MigratorSettings

SQUAWK_TIMEOUT_SECONDS = 60
ADVICE_PREFIX = "prefer-"


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str  # the migration's file, relative to the project when it is inside
    message: str
    statement: str  # the line of SQL it is about
    hint: str  # squawk's help: what to do instead

    @property
    def blocking(self) -> bool:
        """Whether it stops the run; the `prefer-*` rules are advice only."""
        return not self.rule.startswith(ADVICE_PREFIX)

    def describe(self) -> str:
        lines = [f"  {self.path}: {self.rule}: {self.message}", f"      {self.statement}"]
        if self.hint:
            lines.append(f"      {self.hint}")
        allow = f'squawk_allow = ("{self.rule}",)'
        lines.append(f"      if it is safe here, allow it in that file: {allow}")
        return "\n".join(lines)


def lint(
    scripts: Iterable[Script],
    settings: MigratorSettings,
    project: Project,
) -> list[Finding]:
    """What squawk finds in these revisions, less what they allow; see `Finding.blocking`."""
    squawk = _squawk()
    findings: list[Finding] = []
    for script in scripts:
        path = project.relative(script.path)
        sql = session_settings(settings) + render_sql(script, project)
        findings += _run_squawk(squawk, sql, path, allowed_rules(script, path), project.root)
    return findings


def session_settings(settings: MigratorSettings) -> str:
    lock = int(settings.lock_timeout.total_seconds() * 1000)
    statement = int(settings.statement_timeout.total_seconds() * 1000)
    return f"SET lock_timeout = '{lock}ms';\nSET statement_timeout = '{statement}ms';\n"


def render_sql(script: Script, project: Project) -> str:
    """The SQL of this one revision, in its transaction, as `alembic upgrade --sql` renders it."""
    parents = script.down_revision
    parent = parents[0] if isinstance(parents, tuple | list) else parents
    target = script.revision if parent is None else f"{parent}:{script.revision}"
    buffer = io.StringIO()
    with _quiet("alembic"):
        config = project.alembic_config(output_buffer=buffer)
        command.upgrade(config, target, sql=True)
    return extract_revision_sql(buffer.getvalue(), script.revision)


def allowed_rules(script: Script, path: str) -> tuple[str, ...]:
    allowed = getattr(script.module, "squawk_allow", ())
    if isinstance(allowed, str) or not all(isinstance(rule, str) for rule in allowed):
        raise MigratorError(
            f"{path}: squawk_allow must be a tuple of rule names, e.g."
            ' squawk_allow = ("require-concurrent-index-creation",)'
        )
    return tuple(allowed)


def parse_squawk_report(report: str, sql: str, path: str) -> list[Finding]:
    """Findings from squawk's JSON report on `sql` (its line numbers count from 0)."""
    lines = sql.splitlines()
    return [
        Finding(
            rule=entry["rule_name"],
            path=path,
            message=entry["message"],
            statement=lines[entry["line"]].strip() if entry["line"] < len(lines) else "",
            hint=entry.get("help") or "",
        )
        for entry in json.loads(report or "[]")
    ]


def _run_squawk(
    squawk: str, sql: str, path: str, allowed: tuple[str, ...], cwd: Path
) -> list[Finding]:
    arguments = [squawk, "--reporter", "json", "--stdin-filepath", path]
    if allowed:
        arguments += ["--exclude", ",".join(allowed)]
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        arguments,
        input=sql,
        capture_output=True,
        text=True,
        cwd=cwd,  # where squawk finds the project's .squawk.toml
        timeout=SQUAWK_TIMEOUT_SECONDS,
        check=False,
    )
    try:
        return parse_squawk_report(result.stdout, sql, path)
    except (ValueError, KeyError, TypeError):
        message = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        raise MigratorError(f"squawk could not lint {path}: {message[-1]}") from None


def extract_revision_sql(rendered: str, revision: str) -> str:
    """Drops what precedes the revision (other revisions, the version table), keeping it in
    the transaction it runs in."""
    marker = re.search(rf"^-- Running upgrade .* -> {re.escape(revision)}$", rendered, re.M)
    if marker is None:
        return rendered
    before = rendered[: marker.start()]
    in_transaction = before.count("BEGIN;") > before.count("COMMIT;")
    return ("BEGIN;\n\n" if in_transaction else "") + rendered[marker.start() :]


def _squawk() -> str:
    found = shutil.which("squawk") or str(Path(sys.executable).with_name("squawk"))
    if not Path(found).is_file():
        raise MigratorError(
            "squawk is not installed; the lint needs it (pip install squawk-cli; the shallot"
            " image has it)"
        )
    return found


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Alembic announces each offline rendering at INFO; the lint has its own report."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
