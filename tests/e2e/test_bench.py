"""The benchmark harness runs end to end at its smallest size. Nothing here judges a timing:
speed and size targets are read from `make bench`, never asserted in tests."""

import json
import os
import subprocess
import sys

from bench.sections.api import ENDPOINTS, PEER, PEER_COMMAND, SETTINGS, WITH_TOKEN
from bench.sections.observability import SETTINGS as OBSERVABILITY_SETTINGS


def test_the_quick_benchmark_produces_every_figure(image, postgres_image, repo, tmp_path):
    env = {**os.environ, "IMAGE": image, "POSTGRES_IMAGE": postgres_image,
           "PYTHON_IMAGE": os.environ.get("SHALLOT_TEST_PYTHON_IMAGE", "python:3.11-slim-bookworm")}
    tables_before = (repo / "docs/benchmarks.md").read_text()
    result = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--out", str(tmp_path)], cwd=repo,
                            env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (repo / "docs/benchmarks.md").read_text() == tables_before, "a quick run must not touch the docs' tables"
    results = json.loads((tmp_path / "latest.json").read_text())
    sections = results["sections"]
    assert set(sections) == {"render", "project_build", "stack", "devcontainer", "api", "observability",
                             "maintenance", "jobs", "images"}
    jobs = sections["jobs"]
    assert jobs["jobs per second, 1 worker"]["median"] > 0 and jobs["jobs per second, 2 workers"]["median"] > 0
    assert "enqueue cost inside a request" in jobs
    timings = [figure for name in ("render", "project_build", "stack", "devcontainer")
               for figure in sections[name].values()]
    assert all(figure["median"] > 0 and figure["runs"] == 1 for figure in timings)
    assert sections["render"]["new, wall with container start"]["ratio"] > 0
    api = {name: figure for name, figure in sections["api"].items() if name != PEER_COMMAND}
    loaded = len(ENDPOINTS) + sum(len(endpoints or ENDPOINTS) for _, _, endpoints in SETTINGS.values())
    assert len(api) == loaded * 2, "each setting's endpoints and the peer's, at c8 and c32"
    assert all(figure["rps"] > 0 and figure["errors"] == 0 for figure in api.values())
    assert all(figure["rps_vs_peer"] > 0 for name, figure in api.items() if not name.startswith(PEER))
    # No errors above: every request with a token was answered 200, none 401.
    assert [name for name, figure in api.items() if "token_cost" in figure] == [
        f"{WITH_TOKEN} | GET /v1/todos/<id> | {c}" for c in (8, 32)]
    assert "wsgi:app" in sections["api"][PEER_COMMAND]["command"] and "--threads=2" in sections["api"][PEER_COMMAND]["command"]
    assert {"inner loop: saved change to its first response", "make test (the whole suite)"} <= set(
        sections["devcontainer"])
    assert "make up's stack, inner loop: saved change to its first response" in sections["stack"]
    observability = sections["observability"]
    assert len(observability) == len(OBSERVABILITY_SETTINGS)
    assert all(figure["rps"] > 0 and figure["errors"] == 0 for figure in observability.values())
    assert [name.split(" | ")[0] for name, figure in observability.items() if figure["spans_exported"] > 0] == [
        "tracing on", "metrics and tracing on"], "spans are exported with tracing on, and only then"
    maintenance = sections["maintenance"]
    assert all(figure["runs"] == 1 and figure["baseline"]["what"] == "stop the world" for figure in maintenance.values())
    assert maintenance["failed reads"]["baseline"]["median"] > 0, "the stop-the-world run failed no read: no load?"
    assert maintenance["migration wall, container start included"]["median"] > 0
    table = (tmp_path / "latest.md").read_text()
    assert "GET /v1/todos/<id>" in table and "against the peer" in table and "a token's cost" in table
