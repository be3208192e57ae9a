"""The inner loop: from saving a changed Python file to the first response served by the new code.

The change is one a developer makes every day, in the domain: the default page size in
src/domain/constants.py, which GET /v1/todos reports as `per_page`. The clock starts when the
file is written (as an editor saves it) and stops at the first response that carries the new
value; the service is asked again every 10 ms meanwhile.
"""

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.stats import summary

CONSTANTS = Path("src/domain/constants.py")
DEFAULT = "DEFAULT_PAGE_SIZE = 20"
POLL_SECONDS = 0.01


def _page_size(base: str) -> int | None:
    try:
        with urllib.request.urlopen(base + "/v1/todos", timeout=2) as response:
            return json.load(response)["per_page"]
    except (OSError, urllib.error.URLError, ValueError, KeyError):
        return None  # restarting, or not answering yet


def _served(base: str, size: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while _page_size(base) != size:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{base} did not serve the new code (per_page {size}) within {timeout:g}s")
        time.sleep(POLL_SECONDS)


def _settled(base: str, size: int) -> None:
    """Every worker serves the new code (ten answers in a row), so the next change starts clean."""
    streak = 0
    while streak < 10:
        _served(base, size)
        streak += 1
    time.sleep(1)


def measure(project: Path, base: str, runs: int) -> dict:
    path = project / CONSTANTS
    original = path.read_text()
    if DEFAULT not in original:
        raise SystemExit(f"bench: {path} no longer says {DEFAULT!r}; change the inner loop's edit")
    _settled(base, 20)
    values = []
    try:
        for run in range(runs):
            size = 21 + run
            # A comment makes each version's size differ too: a cached .pyc is keyed on the
            # source's mtime in whole seconds and its size.
            changed = original.replace(DEFAULT, f"DEFAULT_PAGE_SIZE = {size}  # inner loop, run {run + 1}")
            saved = time.perf_counter()
            path.write_text(changed)
            _served(base, size)
            values.append(time.perf_counter() - saved)
            _settled(base, size)
    finally:
        path.write_text(original)
    try:
        _settled(base, 20)
    except TimeoutError as error:  # not a figure: the run goes on
        print(f"bench: inner loop: the original code is not back: {error}", file=sys.stderr)
    return summary(values, "s")
