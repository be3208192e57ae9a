"""`manage.py db migrate -m ...` (make revision) on a database behind its migrations: one line
that says to apply them first, instead of Alembic's bare "Target database is not up to date"."""

import time

from click.testing import CliRunner

from tests.project.cli import cli
from tests.support.own_database import OwnDatabaseTestCase


class BehindTest(OwnDatabaseTestCase):
    REVISION = None  # an empty database: the project's 0001 is pending

    def test_a_revision_on_a_database_behind_says_to_migrate_first(self):
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["db", "migrate", "-m", "add due dates"], env=self.environ)
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(result.exit_code, 1, result.output)
        (line,) = result.output.strip().splitlines()
        self.assertIn("the database is behind the migrations", line)
        self.assertIn("make migrate", line)
