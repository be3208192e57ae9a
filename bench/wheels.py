"""Wheels a benchmark subject installs beyond the shallot image's packages: downloaded once, on
the host (whose network reaches PyPI), like the image's own wheelhouse."""

import subprocess
import sys
from pathlib import Path


def download(requirements: Path, folder: Path) -> Path:
    """The wheels REQUIREMENTS pins, for the image's Python, in FOLDER (again when they change)."""
    marker = folder / ".complete"
    if not marker.exists() or marker.stat().st_mtime < requirements.stat().st_mtime:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64", "--platform",
                        "manylinux2014_x86_64", "--dest", str(folder), "-r", str(requirements)], check=True)
        marker.touch()
    return folder
