"""The generated project's devcontainer, opened as the Dev Containers CLI does: open until the
API answers /readyz 200, cold (images built, no containers) and warm (containers stopped); then,
in the open devcontainer, the inner loop (bench/inner_loop.py: a saved change to the first
response by the new code) and `make test`: the unit tests alone, the integration tests alone
and the whole suite (only the whole suite in a quick run)."""

import os

from bench import inner_loop
from bench.stats import repeat
from harness.devcontainer import DevContainer
from harness.docker import free_port, unique, wait_for_http

WHOLE_SUITE = "make test (the whole suite)"
TESTS = {
    "make test-unit (unit tests alone)": "make test-unit",
    "make test-integration (integration tests alone)": "make test-integration",
    WHOLE_SUITE: "make test",
}


def measure(context) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
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
        wait_for_http(f"{base}/readyz", 200, timeout=120)

    def open_warm():
        container = devcontainer.up()
        devcontainer.exec(container, devcontainer.config["postStartCommand"])
        wait_for_http(f"{base}/readyz", 200, timeout=120)

    try:
        figures = {
            "open to ready, cold (no containers)":
                repeat(context.slow_runs, open_cold, before=lambda: devcontainer.compose("down", "--volumes")),
            "open to ready, warm (containers stopped)":
                repeat(context.slow_runs, open_warm, before=lambda: devcontainer.compose("stop")),
        }
        container = devcontainer.up()  # open since the last warm run
        figures["inner loop: saved change to its first response"] = inner_loop.measure(
            context.project, base, context.runs)
        # A quick run times the whole suite only: its two halves would run the same tests again.
        for name, command in TESTS.items() if not context.quick else [(WHOLE_SUITE, TESTS[WHOLE_SUITE])]:
            command = f"POSTGRES_IMAGE={context.postgres_image} {command}"
            figures[name] = repeat(context.slow_runs,
                                   lambda command=command: devcontainer.exec(container, command))
    finally:
        devcontainer.compose("down", "--volumes", check=False)
    return figures
