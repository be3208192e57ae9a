"""A database of its own, for tests that change its schema or its maintenance window: the
shared one stays as the other tests expect it."""

import itertools
import unittest

from alembic import command

from src.config import DatabaseSettings, load_database_settings
from src.dependency_container import Tools, build_tools
from src.infrastructure.databases.migrations import alembic_config
from tests.support.postgres import shared_postgres

_numbers = itertools.count(1)


class OwnDatabaseTestCase(unittest.TestCase):
    """Each test gets a new database, at `REVISION` (None: empty), and the maintenance tools."""

    REVISION: str | None = "0001"
    database: DatabaseSettings
    tools: Tools

    def setUp(self):
        postgres = shared_postgres()
        self.database_name = f"own_{next(_numbers)}"
        postgres.create_database(self.database_name)
        self.addCleanup(postgres.drop_database, self.database_name)
        self.environ = postgres.environ(self.database_name)
        self.database = load_database_settings(self.environ)
        if self.REVISION:
            command.upgrade(alembic_config(self.database.url), self.REVISION)
        self.tools = build_tools(self.database)
        self.addCleanup(self.tools.close)
