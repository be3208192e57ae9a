"""A rendered project's `make ci`, on real Docker: the stages its GitHub workflow runs one job each
(lint, unit tests, integration tests, the image, the compose smoke test), in one go, as a
developer runs them before pushing. Its workflow files pass the same checks as in the unit tests."""

import os
import subprocess
import time

import pytest

from tests.e2e.conftest import docker_run
from harness.docker import PROJECT_NAME, compose_command, unique
from tests.unit.test_workflows import assert_github_folder_passes


def render(image, workspace):
    result = docker_run(image, "new", PROJECT_NAME, "--defaults", volumes=[(workspace, "/work")])
    assert result.returncode == 0, result.stderr
    return workspace / PROJECT_NAME


@pytest.fixture
def project(image, tmp_path):
    workspace = tmp_path / "work"
    workspace.mkdir()
    return render(image, workspace)


def test_make_ci_passes_on_a_new_project(project, image, postgres_image):
    env = {
        **os.environ,
        "COMPOSE_PROJECT_NAME": unique("shallot-e2e-ci"),
        "SHALLOT_IMAGE": image,
        "POSTGRES_IMAGE": postgres_image,
        "APP_IMAGE": f"{unique('shallot-e2e/ci-demo')}:latest",
    }
    started = time.monotonic()
    try:
        result = subprocess.run(["make", "-C", str(project), "ci"], env=env, capture_output=True, text=True,
                                timeout=1500)
    finally:
        for name in (env["COMPOSE_PROJECT_NAME"], env["COMPOSE_PROJECT_NAME"] + "-smoke"):
            subprocess.run([*compose_command(), "-p", name, "-f", "compose.yaml", "-f", "compose.dev.yaml", "down",
                            "--volumes"], cwd=project, env=env, capture_output=True)
        subprocess.run(["docker", "image", "rm", "--force", env["APP_IMAGE"]], capture_output=True)
    print(f"make ci took {time.monotonic() - started:.0f} s")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "smoke: /readyz 200, POST and GET /v1/todos answered" in result.stdout
    # Both test levels ran, and found tests.
    assert result.stderr.count("\nOK") >= 2, result.stderr[-4000:]


def test_the_rendered_workflows_pass_every_check(project):
    assert_github_folder_passes(project / ".github")
