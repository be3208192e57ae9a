"""A project as shallot generates it, reduced to its migrations: what the runtime works on."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
