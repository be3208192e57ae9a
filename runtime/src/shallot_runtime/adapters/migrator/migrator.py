"""The migrate sidecar, step by step:

1. take the migration lock (one migrator at a time; a second waits, then gives up);
2. find the pending revisions; none: done, no window;
3. lint them with squawk; an unsafe operation stops the run before anything changes;
4. open the maintenance window, and wait until the app instances have seen it;
5. apply the revisions, renewing the window's lease meanwhile;
6. close the window, recording its outcome: completed, failed (the failing migration
   rolled back) or aborted (SIGTERM). If the migrator is killed outright, the lease runs
   out and the service leaves the window by itself.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from alembic.script import Script
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from shallot_runtime.adapters.migrations import MigrationScripts, current_revisions
from shallot_runtime.adapters.migrator.abort import Abort
from shallot_runtime.adapters.migrator.apply import apply_revisions
from shallot_runtime.adapters.migrator.errors import LintFailed, MigrationAborted, MigratorError
from shallot_runtime.adapters.migrator.lease import LeaseKeeper
from shallot_runtime.adapters.migrator.lint import Finding, lint
from shallot_runtime.adapters.migrator.lock import migration_lock
from shallot_runtime.adapters.migrator.settings import MigratorSettings
from shallot_runtime.adapters.postgres.store import NO_LIVE_INSTANCE
from shallot_runtime.adapters.postgres.tables import ensure_tables
from shallot_runtime.domain.window import MaintenanceWindow, Outcome, WindowRecord
from shallot_runtime.services.ports import Acknowledgements
from shallot_runtime.services.windows import MaintenanceService

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MigrationRun:
    applied: list[str] = field(default_factory=list)
    window: WindowRecord | None = None  # None: nothing was pending (or it could not be closed)


class Migrator:
    def __init__(
        self,
        engine: Engine,
        maintenance: MaintenanceService,
        scripts: MigrationScripts,
        settings: MigratorSettings,
        holder: str,
    ) -> None:
        self._engine = engine
        self._maintenance = maintenance
        self._scripts = scripts
        self._settings = settings
        self._holder = holder

    def run(self, abort: Abort) -> MigrationRun:
        with self._engine.connect() as connection:
            ensure_tables(connection)
        with migration_lock(self._engine, self._settings.lock_wait, abort):
            logger.info("migrate: holding the migration lock")
            with self._engine.connect() as connection:
                current = current_revisions(connection)
                connection.rollback()
                pending = self._pending(current)
                if not pending:
                    return MigrationRun()
                self._lint(pending)
                window = self._maintenance.open(
                    mode=self._settings.mode,
                    reason=self._settings.reason or _default_reason(current, self._scripts.heads),
                    holder=self._holder,
                    lease=self._settings.lease,
                    from_revision=_revisions(current),
                    to_revision=_revisions(self._scripts.heads),
                )
                logger.info(
                    "migrate: window open (%s, lease %gs): %s",
                    window.mode.value,
                    self._settings.lease.total_seconds(),
                    window.reason,
                )
                record = self._migrate(window, connection, pending, abort)
        return MigrationRun(applied=[s.revision for s in pending], window=record)

    def lint_pending(self) -> list[Finding]:
        with self._engine.connect() as connection:
            current = current_revisions(connection)
        return lint(self._scripts.pending(current), self._settings, self._scripts.project)

    def _pending(self, current: frozenset[str]) -> list[Script]:
        unknown = self._scripts.unknown(current)
        if unknown:
            logger.info(
                "migrate: nothing to do: the database is at %s, which this code does not know"
                " (a newer release migrated it)",
                _revisions(unknown),
            )
            return []
        pending = self._scripts.pending(current)
        if not pending:
            logger.info(
                "migrate: nothing to do: the database is at %s", _revisions(current) or "base"
            )
        else:
            names = ", ".join(f"{s.revision} ({s.doc})" if s.doc else s.revision for s in pending)
            logger.info("migrate: %d pending: %s", len(pending), names)
        return pending

    def _lint(self, pending: Sequence[Script]) -> None:
        findings = lint(pending, self._settings, self._scripts.project)
        for advice in (finding for finding in findings if not finding.blocking):
            logger.warning("migrate: advice from squawk:\n%s", advice.describe())
        unsafe = [finding for finding in findings if finding.blocking]
        if unsafe:
            raise LintFailed(unsafe)
        logger.info("migrate: squawk finds nothing unsafe in them")

    def _migrate(
        self,
        window: MaintenanceWindow,
        connection: Connection,
        pending: Sequence[Script],
        abort: Abort,
    ) -> WindowRecord | None:
        seen: Acknowledgements | None = None
        outcome, error = Outcome.COMPLETED, None
        try:
            with LeaseKeeper(self._maintenance, window, self._settings.lease):
                seen = self._maintenance.wait_until_seen(
                    window, self._settings.ack_wait, sleep=abort.sleep
                )
                _report(seen, window)
                apply_revisions(connection, pending, self._settings, abort, self._scripts.project)
        except MigrationAborted as stopped:
            outcome, error = Outcome.ABORTED, str(stopped)
            raise
        except MigratorError as failed:
            outcome, error = Outcome.FAILED, str(failed)
            raise
        except Exception as unexpected:
            outcome, error = Outcome.FAILED, f"{type(unexpected).__name__}: {unexpected}"
            raise
        finally:
            record = self._close(window, outcome, error, seen)
        return record

    def _close(
        self,
        window: MaintenanceWindow,
        outcome: Outcome,
        error: str | None,
        seen: Acknowledgements | None,
    ) -> WindowRecord | None:
        try:
            record = self._maintenance.close(window, outcome, error=error, seen=seen)
        except SQLAlchemyError as failure:
            logger.error(
                "migrate: could not close the window (%s); it ends by itself when its lease"
                " runs out, within %gs",
                type(failure).__name__,
                self._settings.lease.total_seconds(),
            )
            return None
        logger.info(
            "migrate: window closed after %.1fs: %s",
            record.duration.total_seconds(),
            outcome.value,
        )
        return record


def _report(seen: Acknowledgements, window: MaintenanceWindow) -> None:
    if not seen.instances:
        logger.info("migrate: %s", NO_LIVE_INSTANCE)
    elif seen.waiting_for:
        logger.warning(
            "migrate: %d of %d app instances did not acknowledge the window (%s); they have"
            " stopped reporting and are taken for dead",
            len(seen.waiting_for),
            len(seen.instances),
            ", ".join(seen.waiting_for),
        )
    else:
        delay = (seen.last_seen_at - window.opened_at).total_seconds() if seen.last_seen_at else 0
        logger.info(
            "migrate: the window reached every app instance (%d) within %.0f ms",
            len(seen.instances),
            delay * 1000,
        )


def _revisions(revisions: frozenset[str]) -> str | None:
    return ",".join(sorted(revisions)) or None


def _default_reason(current: frozenset[str], heads: frozenset[str]) -> str:
    return f"migrations {_revisions(current) or 'base'} -> {_revisions(heads)}"
