"""A database of its own per test, for tests that change its schema or its maintenance window."""

import itertools
import unittest

from alembic import command
from sqlalchemy import URL

from shallot_runtime import Operations
from shallot_runtime.operations import Tools
from tests.project import PROJECT_ROOT
from tests.support.postgres import shared_postgres

_numbers = itertools.count(1)


class OwnDatabaseTestCase(unittest.TestCase):
    """Each test gets a new database, at `REVISION` (None: empty), and the maintenance tools."""

    REVISION: str | None = "0001"
    url: URL
    operations: Operations
    tools: Tools

    def setUp(self):
        postgres = shared_postgres()
        self.database_name = f"own_{next(_numbers)}"
        postgres.create_database(self.database_name)
        self.addCleanup(postgres.drop_database, self.database_name)
        self.url = postgres.url(self.database_name)
        self.environ = {"DATABASE_URL": postgres.url_text(self.database_name)}
        self.operations = Operations(self.url, project_root=PROJECT_ROOT)
        self.addCleanup(self.operations.close)
        if self.REVISION:
            command.upgrade(self.operations.project.alembic_config(self.url), self.REVISION)
        self.tools = self.operations.tools()
        self.addCleanup(self.tools.close)
