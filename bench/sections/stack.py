"""The compose stack: from `compose up` to /readyz 200, cold (no containers, no volume: the
migrate sidecar runs too) and warm (containers stopped, data kept); then the stack `make up`
starts (compose.dev.yaml too: the code mounted, uWSGI reloading) and its inner loop, from a
saved change to the first response by the new code (bench/inner_loop.py)."""

import os
import subprocess

from bench import inner_loop
from bench.stats import repeat
from harness.docker import free_port, unique, wait_for_http


DEV_FILES = ("compose.yaml", "compose.dev.yaml")  # `make up`'s, less the observability profile's


def measure(context) -> dict:
    project = context.project
    port = free_port()
    env = {**os.environ, "COMPOSE_PROJECT_NAME": unique("shallot-bench"), "HTTP_PORT": str(port),
           "POSTGRES_PORT": str(free_port()), "POSTGRES_IMAGE": context.postgres_image, "SHALLOT_IMAGE": context.image,
           "APP_IMAGE": context.project_image}
    (project / ".env").write_text((project / ".env.example").read_text())

    def compose(*args, files=("compose.yaml",)):
        files = [option for file in files for option in ("-f", file)]
        subprocess.run([*context.compose, *files, *args], cwd=project, env=env, check=True,
                       capture_output=True)

    def ready():
        wait_for_http(f"http://127.0.0.1:{port}/readyz", 200, timeout=120)

    def cold_up():
        compose("up", "-d", "--no-build", "db", "app")
        compose("run", "--rm", "migrate")
        ready()

    def warm_up():
        compose("up", "-d", "--no-build", "db", "app")
        ready()

    try:
        cold = repeat(context.slow_runs, cold_up, before=lambda: compose("down", "--volumes"))
        warm = repeat(context.slow_runs, warm_up, before=lambda: compose("stop"))
        compose("up", "-d", "--no-build", "db", "app", files=DEV_FILES)  # as `make up` starts it
        ready()
        reload = inner_loop.measure(project, f"http://127.0.0.1:{port}", context.runs)
    finally:
        compose("down", "--volumes", files=DEV_FILES)
    return {"cold: up, migrate, ready": cold, "warm: up, ready": warm,
            "make up's stack, inner loop: saved change to its first response": reload}
