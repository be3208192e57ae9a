"""Readiness: the database answers, and its schema is at least what the code expects.

A schema ahead of the code (a newer release migrated it, expand/contract style) is ready:
the old code keeps working on the expanded schema. Pending migrations are not.
"""

import logging
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from shallot_runtime.adapters.migrations import (
    MigrationScripts,
    Project,
    SchemaStatus,
    current_revisions,
)
from shallot_runtime.services.ports import Readiness

logger = logging.getLogger(__name__)


class DatabaseReadiness:
    def __init__(self, engine: Engine, project: Project) -> None:
        self._engine = engine
        self._project = project

    @cached_property
    def _scripts(self) -> MigrationScripts:
        """Read on the first check, once: the migrations do not change under a running app."""
        return MigrationScripts(self._project)

    def check(self) -> Readiness:
        try:
            with self._engine.connect() as connection:
                current = current_revisions(connection)
        except SQLAlchemyError as error:
            logger.warning("readiness: database unreachable: %s", type(error).__name__)
            return Readiness(ready=False, checks={"database": "unreachable"})
        status = self._scripts.status(current)
        checks = {"database": "ok", "migrations": status.value}
        return Readiness(ready=status is not SchemaStatus.PENDING, checks=checks)
