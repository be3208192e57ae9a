"""End-to-end fixtures: the shallot image, built once per test session, and workspaces to mount."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.loaded_stack import loaded_stack

HOST_UID = 1234


@pytest.fixture(scope="session")
def image(repo) -> str:
    """The image under test. `make test-e2e` builds it and names it in SHALLOT_TEST_IMAGE; otherwise build it here."""
    name = os.environ.get("SHALLOT_TEST_IMAGE")
    if not name:
        name = "shallot:dev"
        subprocess.run(["make", "-C", str(repo), "image", f"IMAGE={name}"], check=True)
    return name


@pytest.fixture(scope="session")
def postgres_image() -> str:
    return os.environ.get("SHALLOT_TEST_POSTGRES_IMAGE", "postgres:15-bookworm")


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A folder owned by a non-root host user, as a user's project folder would be."""
    folder = tmp_path / "work"
    folder.mkdir()
    os.chown(folder, HOST_UID, HOST_UID)
    return folder


def docker_run(image, *args, volumes=(), options=(), timeout=300):
    command = ["docker", "run", "--rm", *options]
    for host, container in volumes:
        command += ["-v", f"{host}:{container}"]
    return subprocess.run([*command, image, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def rendered_project(image, tmp_path_factory) -> Path:
    """One project rendered with the defaults, shared by the tests that only read or run it."""
    workspace = tmp_path_factory.mktemp("rendered")
    os.chown(workspace, HOST_UID, HOST_UID)
    result = docker_run(image, "new", "demo-api", "--defaults", volumes=[(workspace, "/work")])
    assert result.returncode == 0, result.stderr
    return workspace / "demo-api"


@pytest.fixture(scope="session")
def project_image(image, rendered_project) -> str:
    """The rendered project's own image, built FROM the shallot image as its Dockerfile says."""
    tag = f"shallot-e2e/demo-api:{os.getpid()}"
    subprocess.run(
        ["docker", "build", "--quiet", "--build-arg", f"SHALLOT_IMAGE={image}", "--tag", tag, str(rendered_project)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    yield tag
    subprocess.run(["docker", "image", "rm", "--force", tag], capture_output=True)


@pytest.fixture(scope="session")
def stack(image, postgres_image, tmp_path_factory):
    """A rendered project's compose stack (2 workers), migrated and seeded, shared by the fault tests."""
    with loaded_stack(image, postgres_image, tmp_path_factory.mktemp("stack")) as running:
        yield running
