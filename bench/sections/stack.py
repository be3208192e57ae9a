"""The compose stack: from `compose up` to /readyz 200, cold (no containers, no volume: the
migrate sidecar runs too) and warm (containers stopped, data kept)."""

import os
import subprocess

from bench.stats import repeat
from tests.e2e.docker_helpers import free_port, unique, wait_for_http


def measure(context) -> dict:
    project = context.project
    port = free_port()
    env = {**os.environ, "COMPOSE_PROJECT_NAME": unique("shallot-bench"), "HTTP_PORT": str(port),
           "POSTGRES_PORT": str(free_port()), "POSTGRES_IMAGE": context.postgres_image, "SHALLOT_IMAGE": context.image,
           "APP_IMAGE": context.project_image}
    (project / ".env").write_text((project / ".env.example").read_text())

    def compose(*args):
        subprocess.run([*context.compose, "-f", "compose.yaml", *args], cwd=project, env=env, check=True,
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
        cold = repeat(context.runs, cold_up, before=lambda: compose("down", "--volumes"))
        warm = repeat(context.runs, warm_up, before=lambda: compose("stop"))
    finally:
        compose("down", "--volumes")
    return {"cold: up, migrate, ready": cold, "warm: up, ready": warm}
