"""The generated API as its image serves it (shallot-serve: nginx and gunicorn under supervisord) against
PostgreSQL, loaded by wrk from the host: requests per second and p50/p99/max latency per
endpoint at concurrency 8 and 32, and the same API made with --auth oidc, whose requests carry
an access token (checked against the keys of an https issuer on the network), beside a peer: the application shallot's template descends
from (bench/peer.py), served as its README says (gunicorn) with shallot's default's processes,
threads and timeout, against the same PostgreSQL, under the same load. The instances run side
by side and take turns, run after run, each going first in a turn of its own, so that a change
in the machine's load weighs on each alike. wrk's own CPU use is reported, to show it is not the bottleneck."""

import functools
import json
import os
import resource
import secrets
import statistics
import subprocess
import time

from bench import peer
from bench.context import REPO
from harness import issuer
from harness.docker import docker, published_port, unique, wait_for_http

REPORT_SCRIPT = REPO / "bench" / "wrk" / "report.lua"
SEEDED_TODOS = 200
ENDPOINTS = {
    "GET /v1/todos/<id>": ("/v1/todos/1", None),
    "GET /v1/todos?page=1&per_page=50": ("/v1/todos?page=1&per_page=50", None),
    "POST /v1/todos": ("/v1/todos", '{"title": "benchmark todo"}'),
}
# shallot's settings: a command in place of the image's own (None: shallot-serve), the
# environment added, and the endpoints to load (None: every one). The candidates beside the
# default are the worker setups it was chosen from (gunicorn's options through
# GUNICORN_CMD_ARGS, which the default leaves unset).
SHALLOT = "shallot (default)"
GET_BY_ID = ("GET /v1/todos/<id>",)
WITH_TOKEN = "shallot (default), --auth oidc, with a token"
SETTINGS = {
    SHALLOT: (None, (), None),
    WITH_TOKEN: (None, (), GET_BY_ID),
    "candidate: gunicorn sync workers": (None, ("GUNICORN_CMD_ARGS=--worker-class sync",), GET_BY_ID),
    "candidate: gunicorn gthread, 4 threads": (None, ("GUNICORN_CMD_ARGS=--threads 4",), GET_BY_ID),
}
PEER = "peer: ms-flask-clean-architecture, gunicorn wsgi:app"
PEER_COMMAND = "peer command"  # not a figure: how the peer was served
# shallot's default's processes, threads and request timeout, as its image works them out in
# this environment (the settings, and shallot-serve's gunicorn configuration): the peer's
# gunicorn gets the same.
READ_SETTINGS = (
    "import json; from src.config import load; "
    "from shallot_runtime.serving import gunicorn_config as server; "
    "print(json.dumps({'workers': load().web_concurrency, 'threads': server.threads, "
    "'timeout': server.timeout}))"
)


def _wrk(url: str, body: str | None, concurrency: int, seconds: float, headers: tuple[str, ...] = ()) -> dict:
    env = {**os.environ, **({"WRK_BODY": body} if body else {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    options = [option for header in headers for option in ("-H", header)]
    result = subprocess.run(
        ["wrk", f"-t{min(concurrency, 2)}", f"-c{concurrency}", f"-d{seconds}s", *options, "-s", str(REPORT_SCRIPT),
         url],
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
        if self.context.oidc_project_image is None:
            self.context.build_oidc_project(f"shallot-bench/demo-api-oidc:{os.getpid()}")
        self.certificates = issuer.certificate(self.context.workspace("issuer-tls"))
        self.issuer = unique("shallot-bench-issuer")
        issuer.start(self.issuer, self.network, self.context.oidc_project_image, self.certificates)
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

    def start_app(self, command, extra_env=(), image=None, ready="/readyz", options=()) -> tuple[str, str]:
        name = unique("shallot-bench-app")
        options = [*options, *(option for item in extra_env for option in ("-e", item))]
        docker("run", "-d", "--name", name, "--network", self.network, "-p", "127.0.0.1::8000", *self.env,
               *options, image or self.context.project_image, *(command or []))
        base = f"http://127.0.0.1:{published_port(name, 8000)}"
        try:
            wait_for_http(base + ready, 200, timeout=90)
        except AssertionError:
            logs = docker("logs", name, check=False)
            docker("rm", "--force", name, check=False)
            raise AssertionError(f"{name} did not start:\n{(logs.stdout + logs.stderr)[-2000:]}") from None
        return name, self._direct(name, base, ready)

    def _direct(self, name: str, published: str, ready: str) -> str:
        """The app's address on the network, where the host reaches it (Linux): wrk then loads the
        app, not also Docker's userland proxy behind the published port, which every request
        would cross. The published port elsewhere (Docker Desktop)."""
        address = docker("inspect", "--format", f'{{{{(index .NetworkSettings.Networks "{self.network}").IPAddress}}}}',
                         name).stdout.strip()
        direct = f"http://{address}:8000"
        try:
            wait_for_http(direct + ready, 200, timeout=2)
        except AssertionError:
            return published
        return direct

    def start_peer(self, image: str) -> tuple[str, str]:
        """The peer, its table made and seeded, served by gunicorn's threaded workers with shallot's
        default's processes, threads and timeout; keep-alive as nginx's to shallot's clients."""
        url = ["-e", f"SQLALCHEMY_DATABASE_URI=postgresql+psycopg2://postgres:bench@{self.db}:5432/bench"]
        docker("run", "--rm", "--network", self.network, *url, image, "python", "-c", peer.CREATE_TABLE)
        docker("exec", self.db, "psql", "-U", "postgres", "-d", "bench", "-c", peer.seed_sql(SEEDED_TODOS))
        settings = self.default_settings
        command = ["gunicorn", "--bind", "0.0.0.0:8000", f"--workers={settings['workers']}",
                   "--worker-class=gthread", f"--threads={settings['threads']}", "--keep-alive=5",
                   f"--timeout={settings['timeout']}", "wsgi:app"]
        self.peer_command = command
        return self.start_app(command, [*url[1:]], image=image, ready=peer.ROUTES[next(iter(ENDPOINTS))][0])

    @functools.cached_property
    def default_settings(self) -> dict:
        """shallot's default's processes, threads and timeout in this environment (read once)."""
        return json.loads(docker("run", "--rm", *self.env, self.context.project_image, "python", "-c",
                                 READ_SETTINGS).stdout.strip().splitlines()[-1])

    def start_app_with_tokens(self) -> tuple[str, str]:
        """The --auth oidc project's app, taking the issuer's tokens, on a database of its own
        (its migrations are the other's and one more), seeded alike."""
        database = ["-e", "POSTGRES_DB=bench_oidc"]
        docker("exec", self.db, "psql", "-U", "postgres", "-c", "CREATE DATABASE bench_oidc")
        docker("run", "--rm", "--network", self.network, *self.env, *database, self.context.oidc_project_image,
               "python", "manage.py", "db", "upgrade")
        docker("exec", self.db, "psql", "-U", "postgres", "-d", "bench_oidc", "-c",
               f"INSERT INTO todos (title, done, created_at) SELECT 'seed ' || n, false, now() "
               f"FROM generate_series(1, {SEEDED_TODOS}) AS n")
        return self.start_app(None, image=self.context.oidc_project_image,
                              options=[*issuer.app_options(self.certificates), *database])

    def __exit__(self, *_):
        docker("rm", "--force", "--volumes", self.db, self.issuer, check=False)
        docker("network", "rm", self.network, check=False)


def measure(context) -> dict:
    concurrencies = (8, 32)
    seconds = 1 if context.quick else 2
    peer_image = f"shallot-bench/peer:{os.getpid()}"
    peer.build_image(context, peer_image)
    apps = {}
    loads = {**{subject: endpoints for subject, (_, _, endpoints) in SETTINGS.items()}, PEER: None}
    runs = {(subject, endpoint, c): [] for subject, endpoints in loads.items() for endpoint in endpoints or ENDPOINTS
            for c in concurrencies}
    with _Service(context) as service:
        try:
            for setting, (command, extra_env, _) in SETTINGS.items():
                if setting == WITH_TOKEN:
                    apps[setting] = service.start_app_with_tokens()
                else:
                    apps[setting] = service.start_app(command, extra_env)
            apps[PEER] = service.start_peer(peer_image)
            bearer = f"Authorization: Bearer {issuer.token(service.issuer, 'todos:read todos:write', ttl='1d')}"
            headers = {subject: ((bearer,) if subject == WITH_TOKEN else ()) for subject in apps}
            for subject, (_, base) in apps.items():  # warm-up, not counted (the first token fetches the keys)
                _wrk(base + _route(subject, next(iter(ENDPOINTS)))[0], None, 8, 1, headers[subject])
            for turn in range(context.runs):
                for endpoint in ENDPOINTS:
                    for concurrency in concurrencies:
                        for subject in _rotated(list(apps), turn):
                            if (subject, endpoint, concurrency) not in runs:
                                continue
                            path, body = _route(subject, endpoint)
                            runs[subject, endpoint, concurrency].append(
                                _wrk(apps[subject][1] + path, body, concurrency, seconds, headers[subject]))
        finally:
            for app, _ in apps.values():
                docker("rm", "--force", app, check=False)
            docker("image", "rm", "--force", peer_image, check=False)
    figures = {f"{subject} | {endpoint} | {c}": _median_of(measured)
               for (subject, endpoint, c), measured in runs.items()}
    for key, figure in figures.items():
        subject, rest = key.split(" | ", 1)
        if subject != PEER:
            baseline = figures[f"{PEER} | {rest}"]
            figure["rps_vs_peer"] = round(figure["rps"] / baseline["rps"], 2)
            figure["p99_vs_peer"] = round(figure["p99_ms"] / baseline["p99_ms"], 2)
    for c in concurrencies:
        with_token = figures[f"{WITH_TOKEN} | {GET_BY_ID[0]} | {c}"]
        without = figures[f"{SHALLOT} | {GET_BY_ID[0]} | {c}"]
        with_token["token_cost"] = round(1 - with_token["rps"] / without["rps"], 3)
    figures[PEER_COMMAND] = {"command": " ".join(service.peer_command), "source": str(peer.SOURCE)}
    return figures


def _rotated(subjects: list[str], turn: int) -> list[str]:
    """The subjects in the order of this turn: each goes first in its turn. Whoever goes first
    meets what the previous load left the database to do (the POSTs' rows to vacuum, WAL to
    write), so no subject may always be the one that does."""
    start = turn % len(subjects)
    return subjects[start:] + subjects[:start]


def _route(subject: str, endpoint: str) -> tuple[str, str | None]:
    return peer.ROUTES[endpoint] if subject == PEER else ENDPOINTS[endpoint]
