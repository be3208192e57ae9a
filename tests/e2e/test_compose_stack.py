"""The rendered project's compose stack from a plain terminal: its Makefile drives
compose (whichever of `docker compose` / `docker-compose` this machine has), and `make up`
runs the job worker beside the service."""

import json
import secrets
import socket
import subprocess
import time

import pytest

from tests.e2e.conftest import docker_run
from harness.docker import PROJECT_NAME, Http, compose_command, docker, stack_environment


@pytest.fixture
def stack(image, postgres_image, tmp_path, module_images):
    """A rendered project with its own compose project name and free host ports."""
    workspace = tmp_path / "work"
    workspace.mkdir()
    assert docker_run(image, "new", PROJECT_NAME, "--defaults", volumes=[(workspace, "/work")]).returncode == 0
    project = workspace / PROJECT_NAME
    env = stack_environment(image, postgres_image, "stack-demo")

    def make(*targets, check=True):
        result = subprocess.run(["make", "-C", str(project), *targets], env=env, capture_output=True, text=True,
                                timeout=600)
        if check:
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    yield make, Http(f"http://127.0.0.1:{env['HTTP_PORT']}"), project
    subprocess.run([*compose_command(), "-f", "compose.yaml", "-f", "compose.dev.yaml", "down", "--volumes"],
                   cwd=project, env=env, capture_output=True)
    module_images.append(env["APP_IMAGE"])


def sign_in(make, http):
    """The requests carry `make token`'s token from now on: the stack's development issuer's."""
    token = make("--no-print-directory", "token").stdout
    assert token.count(".") == 2 and token.endswith("\n") and "\n" not in token[:-1], token
    http.headers["Authorization"] = f"Bearer {token.strip()}"


def test_up_migrate_use_down_up_keeps_the_data(stack):
    make, http, project = stack
    make("up")
    assert (project / ".env").is_file(), "make copies .env.example to .env on first use"
    assert http.request("GET", "/readyz")[0] == 503, "not ready before the migrations ran"
    make("migrate")
    assert http.request("GET", "/readyz")[0] == 200
    assert http.request("GET", "/v1/todos")[0] == 401, "the API takes tokens"
    sign_in(make, http)
    status, _, created = http.request("POST", "/v1/todos", {"title": "survive a restart"})
    assert status == 201 and created["created_by"] == "alice"
    status, _, completed = http.request("PATCH", f"/v1/todos/{created['id']}", {"done": True})
    assert status == 200 and completed["done"] is True
    # The job the completion enqueued, in its transaction, run by the stack's worker.
    told = f"todo {created['id']} completed: survive a restart"
    _wait_for(lambda: told in service_logs(project, "worker"), timeout=10)
    make("down")
    make("up")
    status, _, fetched = http.request("GET", f"/v1/todos/{created['id']}")
    assert status == 200 and fetched == completed, "the token outlives a restart: the issuer kept its key"
    reader = make("--no-print-directory", "token", "sub=bob", "scopes=todos:read", "ttl=5m").stdout.strip()
    status, headers, _ = http.request("POST", "/v1/todos", {"title": "no"}, headers={"Authorization": f"Bearer {reader}"})
    assert status == 403 and 'scope="todos:write"' in headers["WWW-Authenticate"]


def test_up_names_a_taken_port_and_its_variable_and_starts_nothing(stack):
    make, http, project = stack
    port = int(http.base.rsplit(":", 1)[1])
    with socket.create_server(("127.0.0.1", port)):
        result = make("up", check=False)
    assert result.returncode != 0
    assert f"port {port} on 127.0.0.1 is taken" in result.stderr and "set HTTP_PORT in .env" in result.stderr
    started = docker("ps", "--all", "--quiet", "--filter",
                     f"label=com.docker.compose.project.working_dir={project}").stdout.split()
    assert started == [], "nothing starts"


def test_make_help_lists_every_target(stack):
    make, _, _ = stack
    listed = {line.split()[0] for line in make("help").stdout.splitlines() if line.startswith("  ")}
    assert {"up", "down", "logs", "shell", "psql", "migrate", "revision", "downgrade", "test", "lint", "fmt"} <= listed
    assert make().stdout == make("help").stdout


def test_revision_needs_a_message(stack):
    make, _, _ = stack
    result = make("revision", check=False)
    assert result.returncode != 0 and 'make revision m="' in result.stderr


def test_the_database_password_can_be_a_compose_secret_file(stack):
    make, http, project = stack
    password = secrets.token_urlsafe(24)
    (project / "secrets").mkdir()
    (project / "secrets" / "postgres_password").write_text(password + "\n")
    (project / "secrets" / "postgres_password").chmod(0o644)
    env_file = (project / ".env.example").read_text().replace("POSTGRES_PASSWORD=postgres", "POSTGRES_PASSWORD=")
    (project / ".env").write_text(env_file)

    make("up")
    make("migrate")
    sign_in(make, http)
    assert http.request("POST", "/v1/todos", {"title": "with a secret"})[0] == 201

    containers = [
        container
        for service in ("app", "db")
        for container in docker("ps", "--quiet", "--filter", f"label=com.docker.compose.project.working_dir={project}",
                                "--filter", f"label=com.docker.compose.service={service}").stdout.split()
    ]
    assert len(containers) == 2, containers
    for container in containers:
        environment = json.loads(docker("inspect", "--format", "{{json .Config.Env}}", container).stdout)
        assert "POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password" in environment
        assert not any(password in variable for variable in environment), "the password is in the environment"
        mounted = docker("exec", container, "cat", "/run/secrets/postgres_password").stdout.strip()
        assert mounted == password

    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    ignored = subprocess.run(["git", "-C", str(project), "check-ignore", "secrets/postgres_password", ".env"],
                             capture_output=True, text=True)
    assert ignored.stdout.split() == ["secrets/postgres_password", ".env"]


def test_make_ups_service_serves_saved_code_and_shows_code_that_does_not_parse(stack):
    """`make up`'s gunicorn reloads its workers as soon as code under src/ is saved (a watcher in
    its master sends it HUP) and does not restart itself; a file that does not parse is
    answered as a 500 until it is fixed, and the service stays up."""
    make, http, project = stack
    make("up")
    make("migrate")
    sign_in(make, http)
    constants = project / "src/domain/constants.py"
    original = constants.read_text()

    def page_size():
        status, _, body = http.request("GET", "/v1/todos")
        return body["per_page"] if status == 200 else status

    constants.write_text(original.replace("DEFAULT_PAGE_SIZE = 20", "DEFAULT_PAGE_SIZE = 23"))
    _wait_for(lambda: page_size() == 23)
    constants.write_text(original + "def unfinished(:\n")
    _wait_for(lambda: page_size() == 500)
    constants.write_text(original.replace("DEFAULT_PAGE_SIZE = 20", "DEFAULT_PAGE_SIZE = 24"))
    _wait_for(lambda: page_size() == 24)

    logs = service_logs(project, "app")
    assert logs.count("code changed under /app/src; reloading the workers") >= 3, logs[-3000:]
    assert logs.count("Starting gunicorn") == 1, "the master restarted"


def service_logs(project, service):
    (container,) = docker("ps", "--quiet", "--filter", f"label=com.docker.compose.project.working_dir={project}",
                          "--filter", f"label=com.docker.compose.service={service}").stdout.split()
    result = docker("logs", container)
    return result.stdout + result.stderr


def _wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not so after {timeout}s"
        time.sleep(0.2)
