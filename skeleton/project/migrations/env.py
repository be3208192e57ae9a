"""Alembic's environment, from the shallot runtime: one transaction per migration, constraint
names from the models, the runtime's maintenance tables left out of autogenerate."""

from alembic import context
from shallot_runtime.alembic import run_migrations

from src.config import load
from src.infrastructure.models import Base

run_migrations(context, Base.metadata, database_url=lambda: load(database_only=True).database.url)
