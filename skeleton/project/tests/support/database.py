"""A test case on the shared PostgreSQL: the schema at head, every table emptied after each
test, the job queue's too."""

import unittest

from alembic import command
from shallot_runtime.alembic import alembic_config
from shallot_runtime.jobs import schema
from sqlalchemy import Engine, create_engine, text

from src.dependency_container import PROJECT_ROOT
from src.infrastructure.models import Base
from tests.support.postgres import shared_postgres

_migrated = False


def migrated_engine() -> Engine:
    """An engine on the shared test database, which is upgraded to head the first time."""
    global _migrated
    postgres = shared_postgres()
    if not _migrated:
        command.upgrade(alembic_config(PROJECT_ROOT, postgres.url()), "head")
        _migrated = True
    return create_engine(postgres.url())


class DatabaseTestCase(unittest.TestCase):
    engine: Engine

    @classmethod
    def setUpClass(cls):
        cls.engine = migrated_engine()

    @classmethod
    def tearDownClass(cls):
        cls.engine.dispose()

    def setUp(self):
        # The first cleanup registered runs last: after those of the test, which close connections.
        self.addCleanup(self._empty_tables)

    def _empty_tables(self):
        names = [table.name for table in Base.metadata.sorted_tables] + sorted(schema.TABLES)
        tables = ", ".join(names)
        with self.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
