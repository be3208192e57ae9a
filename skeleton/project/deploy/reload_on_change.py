"""Development only (RELOAD_ON_CHANGE, deploy/uwsgi.ini): reloads uWSGI's workers as soon as a
Python file under src/ is saved, added or removed: the new code answers within 1.5 s.

usage: python deploy/reload_on_change.py MASTER_FIFO

It looks every 0.2 s (a few dozen files: no load) and writes `c` to uWSGI's master FIFO: a
chain reload, one worker at a time, each new one on the code as it is. uWSGI's master notices
a worker gone only when something wakes it, once a second otherwise: for a while after each
reload this wakes it at every look, with a newline, which the FIFO ignores.
"""

import os
import sys
import time
from pathlib import Path

CODE = Path(__file__).resolve().parents[1] / "src"
POLL_SECONDS = 0.2
WAKE_FOR_SECONDS = 3.0


def code_versions() -> dict[Path, tuple[int, int]]:
    versions = {}
    for path in CODE.rglob("*.py"):
        try:
            status = path.stat()
        except FileNotFoundError:  # removed while being looked at: the next look sees it gone
            continue
        versions[path] = (status.st_mtime_ns, status.st_size)
    return versions


def tell(fifo: Path, command: str) -> None:
    """Never blocks, and never creates the FIFO: with no master reading it, nothing is said."""
    try:
        descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        os.write(descriptor, command.encode())
    finally:
        os.close(descriptor)


def main(fifo: Path) -> None:
    seen = code_versions()
    wake_until = 0.0
    while True:
        time.sleep(POLL_SECONDS)
        current = code_versions()
        if current != seen:
            seen = current
            print(f"code changed under {CODE}; reloading the workers", flush=True)
            tell(fifo, "c")
            wake_until = time.monotonic() + WAKE_FOR_SECONDS
        elif time.monotonic() < wake_until:
            tell(fifo, "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
