"""Migrations folders for tests: the test project's own, plus example revisions from revisions/.

Each example is a `0002_*.py` that follows 0001; a test copies the project's migrations and
the examples it needs into a temporary folder, and points the migrator there.
"""

import shutil
import tempfile
import unittest
from pathlib import Path

from tests.project import PROJECT_ROOT

EXAMPLES = Path(__file__).with_name("revisions")


def migrations_with(test: unittest.TestCase, *examples: str, extra: str = "") -> Path:
    """A temporary copy of migrations/ with these example revisions (removed after `test`);
    `extra` is appended to the last example's source, e.g. a squawk_allow declaration."""
    folder = Path(tempfile.mkdtemp(prefix="migrations-"))
    test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
    target = folder / "migrations"
    shutil.copytree(
        PROJECT_ROOT / "migrations", target, ignore=shutil.ignore_patterns("__pycache__")
    )
    for example in examples:
        source = (EXAMPLES / f"{example}.py").read_text(encoding="utf-8")
        if example == examples[-1]:
            source += extra
        (target / "versions" / f"{example}.py").write_text(source, encoding="utf-8")
    return target
