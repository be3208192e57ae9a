"""Readiness: the database answers and its schema is at the migrations' head."""

import logging

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from src.infrastructure.databases.migrations import current_revisions
from src.services.ports import Readiness

logger = logging.getLogger(__name__)


class DatabaseReadiness:
    def __init__(self, engine: Engine, expected_revisions: frozenset[str]) -> None:
        self._engine = engine
        self._expected = expected_revisions

    def check(self) -> Readiness:
        try:
            with self._engine.connect() as connection:
                current = current_revisions(connection)
        except SQLAlchemyError as error:
            logger.warning("readiness: database unreachable: %s", type(error).__name__)
            return Readiness(ready=False, checks={"database": "unreachable"})
        if current != self._expected:
            return Readiness(ready=False, checks={"database": "ok", "migrations": "pending"})
        return Readiness(ready=True, checks={"database": "ok", "migrations": "ok"})
