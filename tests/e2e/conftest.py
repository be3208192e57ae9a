"""End-to-end fixtures: the shallot image, built once per test session, and workspaces to mount."""

import os
import re
import secrets
import subprocess
import time
import tomllib
from pathlib import Path

import pytest

from harness import issuer
from harness.docker import PROJECT_NAME, Http, docker, published_port, unique, wait_for_http
from harness.stack import loaded_stack

HOST_UID = 1234
HTTP_PORT = 8000
ORIGIN = "https://app.example.com"
HOST_AUTHORITIES = Path("/etc/ssl/certs/ca-certificates.crt")  # Debian's system bundle
PEM = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)


def authorities_beyond_the_usual() -> str:
    """What this host trusts beyond certifi's (Mozilla's) roots: among them, the proxy's. A
    project's certs/ holds them for the containers that reach the package index."""
    import certifi

    usual = set(PEM.findall(Path(certifi.where()).read_text()))
    return "\n".join(c for c in PEM.findall(HOST_AUTHORITIES.read_text()) if c not in usual) + "\n"


def locked_packages(project: Path) -> dict[str, dict]:
    """The packages in the project's uv.lock, by name."""
    locked = tomllib.loads((project / "uv.lock").read_text())
    return {package["name"]: package for package in locked["package"]}


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
    result = docker_run(image, "new", PROJECT_NAME, "--defaults", volumes=[(workspace, "/work")])
    assert result.returncode == 0, result.stderr
    return workspace / PROJECT_NAME


@pytest.fixture(scope="session")
def project_image(image, rendered_project) -> str:
    """The rendered project's own image, built FROM the shallot image as its Dockerfile says."""
    yield from _built(image, rendered_project, f"shallot-e2e/demo-api:{os.getpid()}")


@pytest.fixture(scope="session")
def open_project(image, tmp_path_factory) -> Path:
    """A project rendered with --auth none: an API that takes no tokens."""
    workspace = tmp_path_factory.mktemp("rendered-open")
    os.chown(workspace, HOST_UID, HOST_UID)
    result = docker_run(image, "new", PROJECT_NAME, "--defaults", "--auth", "none", volumes=[(workspace, "/work")])
    assert result.returncode == 0, result.stderr
    return workspace / PROJECT_NAME


@pytest.fixture(scope="session")
def open_project_image(image, open_project) -> str:
    yield from _built(image, open_project, f"shallot-e2e/open-api:{os.getpid()}")


def _built(image: str, project: Path, tag: str):
    subprocess.run(
        ["docker", "build", "--quiet", "--build-arg", f"SHALLOT_IMAGE={image}", "--tag", tag, str(project)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    yield tag
    subprocess.run(["docker", "image", "rm", "--force", tag], capture_output=True)


@pytest.fixture(scope="module")
def module_images():
    """The images a module's tests build, removed once the module is done, not after each test:
    a test that builds the same project as the one before it gets that build's layers from the
    builder's cache instead of building cold again."""
    tags: list[str] = []
    yield tags
    if tags:
        subprocess.run(["docker", "image", "rm", "--force", *tags], capture_output=True)


@pytest.fixture(scope="session")
def stack(image, postgres_image, tmp_path_factory):
    """A rendered project's compose stack (2 workers), migrated and seeded, shared by the fault tests."""
    with loaded_stack(image, postgres_image, tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture(scope="session")
def service(project_image, postgres_image, tmp_path_factory):
    """PostgreSQL, an https issuer of access tokens and the service (production profile) on a
    private network: the service's URL (its requests carry a token for every scope), a token,
    and what `start_service` needs to start another instance beside it."""
    network, db, app = unique("shallot-e2e-net"), unique("shallot-e2e-db"), unique("shallot-e2e-app")
    token_issuer = unique("shallot-e2e-issuer")
    password = secrets.token_urlsafe(16)
    certificates = issuer.certificate(tmp_path_factory.mktemp("issuer-tls"))
    database_env = ["-e", "POSTGRES_USER=demo", "-e", f"POSTGRES_PASSWORD={password}", "-e", "POSTGRES_DB=demo"]
    app_env = [
        *database_env, "-e", f"POSTGRES_HOST={db}", "-e", "POSTGRES_PORT=5432", "-e", "APP_ENV=production",
        "-e", f"SECRET_KEY={secrets.token_urlsafe(48)}", "-e", f"CORS_ALLOWED_ORIGINS={ORIGIN}",
        "-e", "WEB_CONCURRENCY=2", *issuer.app_options(certificates),
    ]
    docker("network", "create", network)
    try:
        docker("run", "-d", "--name", db, "--network", network, *database_env, postgres_image)
        issuer.start(token_issuer, network, project_image, certificates)
        _wait_for_postgres(db)
        migrated = docker("run", "--rm", "--network", network, *app_env, project_image,
                          "python", "manage.py", "db", "upgrade", check=False)
        assert migrated.returncode == 0, migrated.stderr
        base = start_service(app, network, app_env, project_image)
        token = issuer.token(token_issuer, "todos:read todos:write")
        yield {"http": Http(base, {"Authorization": f"Bearer {token}"}), "token": token, "issuer": token_issuer,
               "app": app, "db": db, "network": network, "env": app_env, "image": project_image}
    finally:
        docker("rm", "--force", "--volumes", app, token_issuer, db, check=False)
        docker("network", "rm", network, check=False)


def _wait_for_postgres(container, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if docker("exec", container, "pg_isready", "-h", "127.0.0.1", "-U", "demo", check=False).returncode == 0:
            return
        time.sleep(0.3)
    raise AssertionError(docker("logs", container, check=False).stderr)


def start_service(name, network, env, image, extra_env=()):
    """The service's container (read-only root, tmpfs /tmp) on `network`, ready; its URL."""
    options = [option for item in extra_env for option in ("-e", item)]
    docker("run", "-d", "--name", name, "--network", network, "--read-only", "--tmpfs", "/tmp",
           "-p", f"127.0.0.1::{HTTP_PORT}", *env, *options, image)
    base = f"http://127.0.0.1:{published_port(name, HTTP_PORT)}"
    wait_for_http(base + "/readyz", 200, timeout=90)
    return base


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "alone: the module judges behaviour under load or against a clock; `make test-e2e` runs these "
        "one at a time, after the others have run two at a time",
    )


# The longest modules first: two at a time, they then end together, not with one long module last.
# The compose stack's before the bench: its first build makes the project layers (PROJECT_NAME)
# that the bench's quick build then finds.
LONGEST_FIRST = ("test_release.py", "test_compose_stack.py", "test_bench.py", "test_project_dependencies.py",
                 "test_devcontainer.py")


def pytest_collection_modifyitems(items):
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
