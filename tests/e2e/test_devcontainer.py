"""Open the rendered project's devcontainer the way the Dev Containers CLI does, step by step:
compose up the files and services devcontainer.json names (after giving the remote user the
host user's uid, as updateRemoteUserUID asks), run its lifecycle commands as the remote user in
the workspace folder, then work inside it: the whole test suite (testcontainers through the
host's Docker socket) and `make migrate`; and reach the API from the host."""

import os

import pytest

from tests.e2e.conftest import HOST_UID, docker_run
from harness.devcontainer import DevContainer
from harness.docker import PROJECT_NAME, Http, stack_environment, wait_for_http


@pytest.fixture
def devcontainer(image, postgres_image, tmp_path, module_images):
    workspace = tmp_path / "work"
    workspace.mkdir()
    os.chown(workspace, HOST_UID, HOST_UID)
    assert docker_run(image, "new", PROJECT_NAME, "--defaults", volumes=[(workspace, "/work")]).returncode == 0
    project = workspace / PROJECT_NAME
    env = stack_environment(image, postgres_image, "dev-demo")
    opened = DevContainer(project, env)
    yield opened
    opened.down()
    module_images.extend([env["APP_IMAGE"], env["APP_IMAGE"] + "-uid"])


def test_open_the_devcontainer_and_work_inside_it(devcontainer, postgres_image):
    config = devcontainer.config
    devcontainer.run_initialize_command()
    assert (devcontainer.project / ".env").is_file()
    devcontainer.build_with_remote_user_uid(HOST_UID, HOST_UID)
    container = devcontainer.up()
    assert container

    # The lifecycle commands, as the remote user in the workspace folder.
    assert devcontainer.exec(container, "id -u").stdout.strip() == str(HOST_UID)
    devcontainer.exec(container, config["postCreateCommand"])
    devcontainer.exec(container, config["postStartCommand"])

    # Docker from inside: the remote user reaches the host's engine through the socket.
    assert devcontainer.exec(container, "python -c 'import docker; print(docker.from_env().ping())'").stdout.strip() == "True"

    # The whole suite inside, on the stack's PostgreSQL in a database of the run's own, which
    # is gone afterwards; then the migrations again, on the project's database.
    tests = devcontainer.exec(container, f"POSTGRES_IMAGE={postgres_image} make test")
    assert "OK" in tests.stderr.splitlines()[-1], tests.stderr[-2000:]
    server = devcontainer.exec(container, "python -c 'from tests.support.postgres import shared_postgres as s; "
                                          "print(s().host, s().database)'").stdout.split()
    assert server[0] == "db" and server[1].endswith("_test"), server
    databases = devcontainer.compose("exec", "-T", "db", "psql", "--username", "postgres", "--no-align",
                                     "--tuples-only", "--command", "SELECT datname FROM pg_database").stdout.split()
    assert not [name for name in databases if name.endswith("_test")], databases
    devcontainer.exec(container, "make migrate")

    # From the host, through the forwarded port, with a token `make token` gives inside: the API
    # answers and is ready.
    token = devcontainer.exec(container, "make token").stdout.strip()
    base = f"http://127.0.0.1:{devcontainer.env['HTTP_PORT']}"
    wait_for_http(base + "/readyz", 200, timeout=90)
    http = Http(base, {"Authorization": f"Bearer {token}"})
    status, _, created = http.request("POST", "/v1/todos", {"title": "from the host"})
    assert status == 201 and created["title"] == "from the host"


def test_stack_wide_targets_refuse_inside_the_devcontainer(devcontainer):
    devcontainer.run_initialize_command()
    devcontainer.build_with_remote_user_uid(HOST_UID, HOST_UID)
    container = devcontainer.up()
    result = devcontainer.exec(container, "make up", check=False)
    assert result.returncode != 0 and "run it on the host" in result.stderr
