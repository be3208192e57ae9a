"""The API section's baseline: the application shallot's template descends from.

microsoft/cookiecutter-python-flask-clean-architecture's generated todo service (MIT), kept
rendered and patched to start in shared/peers/ms-flask-clean-architecture (its PATCHES.md says
how), served as its README says (`gunicorn wsgi:app`) on the shallot image's interpreter and
packages, against the same PostgreSQL. A benchmark subject only: nothing of it enters shallot.
"""

import os
import shutil
import subprocess
from pathlib import Path

from bench import wheels
from bench.context import REPO

SOURCE = Path(os.environ.get("SHALLOT_BENCH_PEER", REPO.parent / "shared" / "peers" / "ms-flask-clean-architecture"))
HERE = REPO / "bench" / "peer"
WHEELS = REPO / "build" / "peer-wheels"
# Its routes for the endpoints the section loads, by shallot's names for them.
ROUTES = {
    "GET /v1/todos/<id>": ("/v1/todo/1", None),
    "GET /v1/todos?page=1&per_page=50": ("/v1/todo?page=1&per_page=50", None),
    "POST /v1/todos": ("/v1/todo", '{"title": "benchmark todo", "description": "benchmark"}'),
}
# Its table, made from its models (it ships no migrations), and seeded like shallot's.
CREATE_TABLE = "from src.app import app; from src.infrastructure import sqlalchemy_db as db; " \
               "app.app_context().push(); db.create_all()"


def seed_sql(rows: int) -> str:
    return (f"INSERT INTO sql_todo (title, description, completed, created_at) "
            f"SELECT 'seed ' || n, 'seeded', false, now() FROM generate_series(1, {rows}) AS n")


def build_image(context, tag: str) -> None:
    if not (SOURCE / "wsgi.py").exists():
        raise SystemExit(f"bench: the peer is not at {SOURCE} (set SHALLOT_BENCH_PEER to its folder)")
    build = context.scratch / "peer-build"
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(SOURCE, build / "app", ignore=shutil.ignore_patterns("tests", ".git*", "__pycache__"))
    wheels.copy_into(HERE / "requirements.txt", WHEELS, build)
    shutil.copy(HERE / "requirements.txt", build)
    subprocess.run(["docker", "build", "--quiet", "--file", str(HERE / "Dockerfile"), "--build-arg",
                    f"SHALLOT_IMAGE={context.image}", "--tag", tag, str(build)],
                   check=True, capture_output=True, text=True)
