"""Opening the generated project's devcontainer, as the Dev Containers CLI does, until the API
answers /readyz 200: cold (images built, no containers) and warm (containers stopped)."""

import os

from bench.stats import repeat
from tests.e2e.devcontainer_cli import DevContainer
from tests.e2e.docker_helpers import free_port, unique, wait_for_http


def measure(context) -> dict:
    port = free_port()
    env = {**os.environ, "COMPOSE_PROJECT_NAME": unique("shallot-bench-dev"), "HTTP_PORT": str(port),
           "POSTGRES_PORT": str(free_port()), "POSTGRES_IMAGE": context.postgres_image, "SHALLOT_IMAGE": context.image,
           "APP_IMAGE": context.project_image}
    devcontainer = DevContainer(context.project, env)
    devcontainer.run_initialize_command()
    devcontainer.compose("build", devcontainer.config["service"])

    def open_cold():
        container = devcontainer.up()
        devcontainer.exec(container, devcontainer.config["postCreateCommand"])
        devcontainer.exec(container, devcontainer.config["postStartCommand"])
        wait_for_http(f"http://127.0.0.1:{port}/readyz", 200, timeout=120)

    def open_warm():
        container = devcontainer.up()
        devcontainer.exec(container, devcontainer.config["postStartCommand"])
        wait_for_http(f"http://127.0.0.1:{port}/readyz", 200, timeout=120)

    try:
        cold = repeat(context.runs, open_cold, before=lambda: devcontainer.compose("down", "--volumes"))
        warm = repeat(context.runs, open_warm, before=lambda: devcontainer.compose("stop"))
    finally:
        devcontainer.compose("down", "--volumes", check=False)
    return {"open to ready, cold (no containers)": cold, "open to ready, warm (containers stopped)": warm}
