"""What development's reloads watch (RELOAD_ON_CHANGE): the Python files under a folder."""

from pathlib import Path


def code_versions(code: Path) -> dict[Path, tuple[int, int]]:
    """Each Python file under `code`, with its modification time and size: a save, an added
    file and a removed one each change it."""
    found = {}
    for path in code.rglob("*.py"):
        try:
            status = path.stat()
        except FileNotFoundError:  # removed while being looked at: the next look sees it gone
            continue
        found[path] = (status.st_mtime_ns, status.st_size)
    return found
