"""The generated project's own test suite, in its image: wall time per level."""

import re
import time

from bench.stats import summary
from tests.e2e.docker_helpers import docker, socket_group

LEVELS = ("unit", "integration")


def _run_level(context, level: str) -> tuple[float, int]:
    started = time.perf_counter()
    result = docker("run", "--rm", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--group-add", socket_group(),
                    "-e", f"POSTGRES_IMAGE={context.postgres_image}", context.project_image,
                    "python", "-m", "unittest", "discover", "-s", f"tests/{level}", "-t", ".")
    seconds = time.perf_counter() - started
    return seconds, int(re.search(r"^Ran (\d+) tests?", result.stderr, re.MULTILINE).group(1))


def measure(context) -> dict:
    figures = {}
    for level in LEVELS:
        runs = [_run_level(context, level) for _ in range(context.runs)]
        figures[f"{level} tests, wall in the image"] = {**summary([s for s, _ in runs], "s"), "tests": runs[0][1]}
    return figures
