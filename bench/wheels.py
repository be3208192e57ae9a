"""Wheels a benchmark subject installs beyond the shallot image's packages: downloaded once, on
the host (whose network reaches PyPI), like the image's own wheelhouse."""

import shutil
import subprocess
import sys
from pathlib import Path


def copy_into(requirements: Path, cache: Path, context: Path) -> None:
    """The wheels REQUIREMENTS pins, for the image's Python, into CONTEXT/wheels for an image
    build: downloaded into CACHE once, and again when REQUIREMENTS changes."""
    marker = cache / ".complete"
    if not marker.exists() or marker.stat().st_mtime < requirements.stat().st_mtime:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64", "--platform",
                        "manylinux2014_x86_64", "--dest", str(cache), "-r", str(requirements)], check=True)
        marker.touch()
    shutil.copytree(cache, context / "wheels", ignore=shutil.ignore_patterns(".complete"))
