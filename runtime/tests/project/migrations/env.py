"""The test project's environment: the runtime's, on the todos table's metadata."""

import os

from alembic import context

from shallot_runtime.alembic import run_migrations
from tests.project.models import metadata

run_migrations(context, metadata, database_url=lambda: os.environ["DATABASE_URL"])
