"""Background jobs on the service's PostgreSQL: what enqueueing adds to a request, and how many
trivial jobs a second one and two workers run.

The cost of enqueueing: PATCH {"done": true} on a todo enqueues its notification in the same
transaction, PATCH {"done": false} does not, and is otherwise the same statement; one client
alternates them on the seeded todos, and the figure is the difference of the two medians.
Jobs per second: a burst of the example's notification jobs (each reads one todo and logs a
line) committed at once while the workers wait, timed from the commit to an empty queue."""

import json
import statistics
import time
import urllib.request

from bench.sections.api import SEEDED_TODOS, _Service
from bench.stats import summary
from harness.docker import docker, unique

QUICK_JOBS, JOBS = 200, 3000
REQUESTS, QUICK_REQUESTS = 400, 40
ENQUEUE = (
    "import sys; from sqlalchemy import create_engine; from src.config import load; from src.jobs import jobs\n"
    "engine = create_engine(load(database_only=True).database.url)\n"
    "with engine.begin() as connection:\n"
    "    queue = jobs.queue(connection)\n"
    "    for n in range(int(sys.argv[1])): queue.enqueue('notify_todo_completed', todo_id=1 + n % {todos})\n"
)


def measure(context) -> dict:
    with _Service(context) as service:
        app, base = service.start_app(None)
        try:
            with_enqueue, without = _patch_latencies(base, QUICK_REQUESTS if context.quick else REQUESTS)
        finally:
            docker("rm", "--force", app, check=False)
        count = QUICK_JOBS if context.quick else JOBS
        rates = {workers: [_jobs_per_second(service, workers, count) for _ in range(context.slow_runs)]
                 for workers in (1, 2)}
    return {
        "PATCH done=true (enqueues), p50": summary([statistics.median(with_enqueue) * 1000], "ms"),
        "PATCH done=false (does not), p50": summary([statistics.median(without) * 1000], "ms"),
        "enqueue cost inside a request": summary(
            [(statistics.median(with_enqueue) - statistics.median(without)) * 1000], "ms"),
        **{f"jobs per second, {workers} worker{'s' if workers > 1 else ''}": summary(values, "jobs/s")
           for workers, values in rates.items()},
    }


def _patch_latencies(base: str, requests: int) -> tuple[list[float], list[float]]:
    """Seconds of each PATCH that completes a todo, and of each that reopens it."""
    completing, reopening = [], []
    for n in range(requests):
        todo = 1 + (n // 2) % SEEDED_TODOS
        done = n % 2 == 0
        request = urllib.request.Request(f"{base}/v1/todos/{todo}", data=json.dumps({"done": done}).encode(),
                                         method="PATCH", headers={"Content-Type": "application/json"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        (completing if done else reopening).append(time.perf_counter() - started)
    return completing, reopening


def _jobs_per_second(service: _Service, workers: int, count: int) -> float:
    names = [unique("shallot-bench-worker") for _ in range(workers)]
    try:
        for name in names:
            docker("run", "-d", "--name", name, "--network", service.network, *service.env,
                   "-e", "WORKER_METRICS_PORT=0", service.context.project_image, "shallot-worker")
        _wait_for_empty_queue(service, timeout=60)  # the completions' notifications, before the burst
        script = ENQUEUE.format(todos=SEEDED_TODOS)
        docker("run", "--rm", "--network", service.network, *service.env, service.context.project_image,
               "python", "-c", script, str(count))
        committed = time.perf_counter()
        _wait_for_empty_queue(service, timeout=600)
        return count / (time.perf_counter() - committed)
    finally:
        docker("rm", "--force", *names, check=False)


def _wait_for_empty_queue(service: _Service, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = docker("exec", service.db, "psql", "-U", "postgres", "-d", "bench", "-tAc",
                         "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')").stdout.strip()
        if waiting == "0":
            return
        time.sleep(0.05)
    raise AssertionError(f"jobs still waiting after {timeout}s")
