"""Where the migrations live, and which revisions the code expects."""

import sys
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


def alembic_config(url: URL | None = None) -> Config:
    """Alembic's config; without a URL, migrations/env.py reads the database settings itself."""
    config = Config(str(ALEMBIC_INI), stdout=sys.stdout)  # the current stdout, not import time's
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if url is not None:
        config.attributes["database_url"] = url
    return config


def head_revisions() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())
