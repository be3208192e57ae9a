"""The test project's manage.py: the runtime's commands, on the database DATABASE_URL names."""

import os

import click

from shallot_runtime import Operations
from shallot_runtime.cli import commands
from tests.project import PROJECT_ROOT


def build_operations() -> Operations:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise click.ClickException("DATABASE_URL is not set")
    return Operations(url, project_root=PROJECT_ROOT)


cli = commands(build_operations, project_root=PROJECT_ROOT, help="The test project's commands.")
