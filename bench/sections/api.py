"""The generated API under gunicorn against PostgreSQL, loaded by wrk from the host: requests
per second and p50/p99/max latency per endpoint, concurrency and gunicorn setting, beside the
original template's way of serving it (`gunicorn wsgi:app`, default settings). wrk's own CPU
use is reported, to show it is not the bottleneck."""

import json
import os
import resource
import secrets
import statistics
import subprocess
import time

from bench.context import REPO
from tests.e2e.docker_helpers import docker, published_port, unique, wait_for_http

REPORT_SCRIPT = REPO / "bench" / "wrk" / "report.lua"
SEEDED_TODOS = 200
ENDPOINTS = {
    "GET /v1/todos/<id>": ("/v1/todos/1", None),
    "GET /v1/todos?page=1&per_page=50": ("/v1/todos?page=1&per_page=50", None),
    "POST /v1/todos": ("/v1/todos", '{"title": "benchmark todo"}'),
}
# Each setting: the container's command (None: the image's own, gunicorn under supervisor)
# and GUNICORN_CMD_ARGS on top of deploy/gunicorn.conf.py.
BASELINE = "baseline: gunicorn src.app:app, default settings"
SETTINGS = {
    "shallot: sync workers (default)": (None, ""),
    "shallot: gthread, 3 workers x 4 threads": (None, "--worker-class gthread --workers 3 --threads 4"),
    BASELINE: (["gunicorn", "--bind", "0.0.0.0:8000", "src.app:app"], ""),
}


def _wrk(url: str, body: str | None, concurrency: int, seconds: float) -> dict:
    env = {**os.environ, **({"WRK_BODY": body} if body else {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        ["wrk", f"-t{min(concurrency, 2)}", f"-c{concurrency}", f"-d{seconds}s", "-s", str(REPORT_SCRIPT), url],
        env=env, capture_output=True, text=True, check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    errors = sum(report["errors"].values())
    return {
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50_ms": report["latency_us"]["p50"] / 1000,
        "p99_ms": report["latency_us"]["p99"] / 1000,
        "max_ms": report["latency_us"]["max"] / 1000,
        "errors": errors,
        "wrk_cpu_cores": ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / wall,
    }


def _median_of(runs: list[dict]) -> dict:
    figure = {key: round(statistics.median(run[key] for run in runs), 2) for key in runs[0]}
    figure.update({f"{key}_min": round(min(r[key] for r in runs), 2) for key in ("rps", "p99_ms")})
    figure.update({f"{key}_max": round(max(r[key] for r in runs), 2) for key in ("rps", "p99_ms")})
    figure["runs"] = len(runs)
    figure["errors"] = sum(run["errors"] for run in runs)
    return figure


class _Service:
    """PostgreSQL and one app container on a private network, with some todos to read."""

    def __init__(self, context):
        self.context = context
        self.network, self.db = unique("shallot-bench-net"), unique("shallot-bench-db")
        self.env = ["-e", f"POSTGRES_HOST={self.db}", "-e", "POSTGRES_PORT=5432", "-e", "POSTGRES_USER=postgres",
                    "-e", "POSTGRES_PASSWORD=bench", "-e", "POSTGRES_DB=bench", "-e", "APP_ENV=production",
                    "-e", f"SECRET_KEY={secrets.token_urlsafe(48)}", "-e", "LOG_LEVEL=WARNING"]

    def __enter__(self):
        docker("network", "create", self.network)
        docker("run", "-d", "--name", self.db, "--network", self.network, "-e", "POSTGRES_PASSWORD=bench",
               "-e", "POSTGRES_DB=bench", self.context.postgres_image)
        for _ in range(100):
            if docker("exec", self.db, "pg_isready", "-h", "127.0.0.1", check=False).returncode == 0:
                break
            time.sleep(0.3)
        docker("run", "--rm", "--network", self.network, *self.env, self.context.project_image,
               "python", "manage.py", "db", "upgrade")
        docker("exec", self.db, "psql", "-U", "postgres", "-d", "bench", "-c",
               f"INSERT INTO todos (title, done, created_at) SELECT 'seed ' || n, false, now() "
               f"FROM generate_series(1, {SEEDED_TODOS}) AS n")
        return self

    def start_app(self, command, gunicorn_args, extra_env=()) -> tuple[str, str]:
        name = unique("shallot-bench-app")
        options = [option for item in extra_env for option in ("-e", item)]
        docker("run", "-d", "--name", name, "--network", self.network, "-p", "127.0.0.1::8000", *self.env,
               "-e", f"GUNICORN_CMD_ARGS={gunicorn_args}", *options, self.context.project_image, *(command or []))
        base = f"http://127.0.0.1:{published_port(name, 8000)}"
        wait_for_http(base + "/readyz", 200, timeout=90)
        return name, base

    def __exit__(self, *_):
        docker("rm", "--force", "--volumes", self.db, check=False)
        docker("network", "rm", self.network, check=False)


def measure(context) -> dict:
    concurrencies = (1, 8) if context.quick else (1, 8, 32)
    seconds = 1 if context.quick else 2
    figures = {}
    with _Service(context) as service:
        for setting, (command, gunicorn_args) in SETTINGS.items():
            app, base = service.start_app(command, gunicorn_args)
            try:
                _wrk(base + "/v1/todos/1", None, 8, 1)  # warm-up, not counted
                for endpoint, (path, body) in ENDPOINTS.items():
                    for concurrency in concurrencies:
                        runs = [_wrk(base + path, body, concurrency, seconds) for _ in range(context.runs)]
                        figures[f"{setting} | {endpoint} | {concurrency}"] = _median_of(runs)
            finally:
                docker("rm", "--force", app, check=False)
    for key, figure in figures.items():
        setting, rest = key.split(" | ", 1)
        baseline = figures[f"{BASELINE} | {rest}"]
        figure["rps_vs_baseline"] = round(figure["rps"] / baseline["rps"], 2) if setting != BASELINE else None
    return figures
