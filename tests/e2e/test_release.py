"""Releases, for real: `make release` into a registry (Debian's docker-registry, the CNCF
distribution registry, started here on 127.0.0.1), a project rendered from the pulled image
and built on it, and `shallot update` bringing a project made by the release before to this one.

Projects of the older releases (0.1.0, this repository's last commit before releases existed,
and 0.2.0) are rendered from the release history the new image carries, at their tags, as
`new` of that release wrote them: no image of an older release is built."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import HOST_UID, authorities_beyond_the_usual, docker_run, locked_packages
from harness.docker import PROJECT_NAME, Http, compose_command, docker, free_port, stack_environment

OLDER_RELEASE = "0.1.0"
OLDER_RELEASE_COMMIT = "fab93b7"  # the commit 0.1.0 projects were made from
PREVIOUS_RELEASE = "0.2.0"
PREVIOUS_RELEASE_COMMIT = "e9fe49b"  # the last commit of 0.2.0, which 0.2.0 projects were made from
MANIFESTS = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"


@dataclass(frozen=True)
class Releases:
    registry: str
    older: str
    newer: str
    release_seconds: float

    def image(self, version: str) -> str:
        return f"{self.registry}/shallot:{version}"


def _registry_get(registry: str, path: str, accept: str = "application/json"):
    request = urllib.request.Request(f"http://{registry}{path}", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """A registry of its own on a free loopback port, stopped and its images untagged afterwards."""
    folder = tmp_path_factory.mktemp("registry")
    address = f"127.0.0.1:{free_port()}"
    (folder / "config.yml").write_text(
        yaml.safe_dump(
            {
                "version": 0.1,
                "storage": {"filesystem": {"rootdirectory": str(folder / "data")}, "delete": {"enabled": True}},
                "http": {"addr": address},
            }
        )
    )
    log = (folder / "registry.log").open("w")
    process = subprocess.Popen(["docker-registry", "serve", str(folder / "config.yml")], stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while True:
        try:
            _registry_get(address, "/v2/")
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, (folder / "registry.log").read_text()
            time.sleep(0.2)
    yield address, process
    process.terminate()
    process.wait(timeout=30)
    tagged = docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", check=False).stdout.split()
    mine = [name for name in tagged if name.startswith(f"{address}/")]
    if mine:
        docker("image", "rm", "--force", *mine, check=False)


# What an enclosing make (`make test`) exports, which a clone's own Makefile must not inherit: the
# older release's Makefile knows nothing of today's DEB_PACKAGES, for one.
ENCLOSING_MAKE = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES", "DEB_PACKAGES", "DOCKER_BUILDKIT")


def _make(folder: Path, *arguments: str, **extra_env: str) -> None:
    env = {name: value for name, value in os.environ.items() if name not in ENCLOSING_MAKE} | extra_env
    result = subprocess.run(["make", "-C", str(folder), *arguments], env=env, capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def _clone(source: Path, destination: Path, venv: Path) -> None:
    """A clone that builds with the host's tool environment: VENV is given to make, and the
    files it is made from are dated before it, so make does not install it again (into the
    host's environment, with the clone's own CLI)."""
    subprocess.run(["git", "clone", "--quiet", str(source), str(destination)], check=True)
    for name in ("tests/requirements.txt", "image/cli/pyproject.toml"):
        os.utime(destination / name, (0, 0))
    assert (venv / ".installed").is_file()


def _seed_wheelhouse(source: Path, destination: Path) -> None:
    """The downloaded wheels `make image` has fetched already: pip download keeps a file it finds
    with the locked hash. shallot's own wheels are built again from the clone's sources."""
    destination.mkdir(parents=True)
    for wheel in source.glob("*.whl"):
        if not wheel.name.startswith(("shallot-", "shallot_runtime-")):
            shutil.copy(wheel, destination)


def _tag_unless_tagged(clone: Path, tag: str, commit: str) -> None:
    if subprocess.run(["git", "-C", str(clone), "rev-parse", "-q", "--verify", f"refs/tags/{tag}"],
                      capture_output=True).returncode != 0:
        subprocess.run(["git", "-C", str(clone), "tag", tag, commit], check=True)


@pytest.fixture(scope="module")
def releases(registry, repo, tmp_path_factory) -> Releases:
    """This checkout's HEAD released with `make release`, its release history holding 0.1.0 and
    0.2.0 (tagged at their commits)."""
    address, _ = registry
    venv = repo / "build" / "venv"
    scratch = tmp_path_factory.mktemp("release")
    newer = (repo / "VERSION").read_text().strip()
    current = scratch / "shallot"
    _clone(repo, current, venv)
    _tag_unless_tagged(current, f"v{OLDER_RELEASE}", OLDER_RELEASE_COMMIT)
    _tag_unless_tagged(current, f"v{PREVIOUS_RELEASE}", PREVIOUS_RELEASE_COMMIT)
    subprocess.run(["git", "-C", str(current), "tag", "--force", f"v{newer}", "HEAD"], check=True, capture_output=True)

    _seed_wheelhouse(repo / "build" / "wheelhouse", current / "build" / "wheelhouse")

    started = time.monotonic()
    # Tags do not move, so the older releases' templates are assembled once, in this checkout's cache.
    _make(current, "release", f"VERSION={newer}", f"REGISTRY={address}", f"VENV={venv}",
          TEMPLATE_HISTORY_CACHE=str(repo / "build" / "template-history"))
    seconds = time.monotonic() - started
    print(f"\nmake release: {seconds:.1f} s")
    return Releases(address, OLDER_RELEASE, newer, seconds)


def test_release_pushes_the_version_its_moving_tags_and_the_devcontainer_template(releases):
    tags = set(_registry_get(releases.registry, "/v2/shallot/tags/list")["tags"])
    major, minor, _ = releases.newer.split(".")
    assert tags == {releases.newer, f"{major}.{minor}", major, "latest"}
    labels = json.loads(docker("image", "inspect", "--format", "{{json .Config.Labels}}",
                               releases.image(releases.newer)).stdout)
    assert labels["org.opencontainers.image.version"] == releases.newer
    assert docker_run(releases.image(releases.newer), "version").stdout.strip() == f"shallot {releases.newer}"

    manifest = _registry_get(releases.registry, f"/v2/devcontainer-templates/shallot-onion-api/manifests/{releases.newer}",
                             accept=MANIFESTS)
    assert manifest["config"]["mediaType"] == "application/vnd.devcontainers"
    assert [layer["mediaType"] for layer in manifest["layers"]] == ["application/vnd.devcontainers.layer.v1+tar"]
    assert json.loads(manifest["annotations"]["dev.containers.metadata"])["version"] == releases.newer
    collection = _registry_get(releases.registry, "/v2/devcontainer-templates/manifests/latest", accept=MANIFESTS)
    assert collection["layers"][0]["mediaType"] == "application/vnd.devcontainers.collection.layer.v1+json"


def _render(image: str, workspace: Path, name: str, *flags: str) -> subprocess.CompletedProcess:
    result = docker_run(image, "new", name, "--defaults", *flags, volumes=[(workspace, "/work")], timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def _git(project: Path, *arguments: str) -> str:
    """git as root on a project the host user owns (so git is told that is safe)."""
    command = ["git", "-c", "safe.directory=*", "-C", str(project), *arguments]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@contextmanager
def _made(project: Path, image: str, postgres_image: str, *targets: str):
    """`make TARGET` for each target, in order, in PROJECT as its team runs it on its own pin of
    IMAGE, each to succeed; yields the environment (HTTP_PORT) while the stack is still up, then
    takes the stack down and removes the project's image."""
    env = stack_environment(image, postgres_image, project.name)
    del env["SHALLOT_IMAGE"]  # the project's own pin, nothing else
    try:
        for target in targets:
            result = subprocess.run(["make", "-C", str(project), target], env=env, capture_output=True, text=True,
                                    timeout=900)
            assert result.returncode == 0, f"make {target}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        yield env
    finally:
        subprocess.run([*compose_command(), "-f", "compose.yaml", "-f", "compose.dev.yaml", "down", "--volumes"],
                       cwd=project, env=env, capture_output=True)
        docker("image", "rm", "--force", env["APP_IMAGE"], check=False)


def test_a_pulled_release_renders_a_pinned_project_that_builds_and_passes_its_tests(releases, workspace, postgres_image):
    image = releases.image(releases.newer)
    tagged = docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    docker("image", "rm", *[name for name in tagged if name.startswith(f"{releases.registry}/shallot:")])

    started = time.monotonic()
    result = _render(image, workspace, PROJECT_NAME)
    print(f"\npull and render: {time.monotonic() - started:.1f} s")
    project = workspace / PROJECT_NAME
    for step in ("make up", "make migrate", "code ."):
        assert step in result.stdout
    assert f"ARG SHALLOT_IMAGE={image}\n" in (project / "Dockerfile").read_text()
    assert f"${{SHALLOT_IMAGE:-{image}}}" in (project / "compose.yaml").read_text()
    assert _git(project, "log", "--format=%s").splitlines() == ["New project, made by shallot"]
    assert _git(project, "status", "--porcelain") == ""
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == f"v{releases.newer}"

    with _made(project, image, postgres_image, "up", "migrate", "test") as env:
        assert Http(f"http://127.0.0.1:{env['HTTP_PORT']}").request("GET", "/readyz")[0] == 200


def _older_project(releases: Releases, workspace: Path, name: str) -> Path:
    """A project made by the older release, committed as its team would (0.1.0 made no repository)."""
    return _project_of_release(releases, workspace, name, releases.older)


def _commit(project: Path, message: str) -> None:
    _git(project, "add", "--all")
    _git(project, "-c", "user.name=Team", "-c", "user.email=team@example.com", "commit", "--quiet", "-m", message)
    subprocess.run(["chown", "-R", f"{HOST_UID}:{HOST_UID}", str(project)], check=True)


def _update(releases: Releases, project: Path, *arguments: str, image: str | None = None):
    # On the host's network: the registry listens on the host's loopback, where update checks
    # that the image it pins exists (as a user with a registry on localhost would run it).
    return docker_run(image or releases.image(releases.newer), "update", *arguments, volumes=[(project, "/work")],
                      options=["--network", "host"], timeout=600)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_update_merges_the_release_into_a_project_keeping_the_teams_edits(releases, workspace, postgres_image):
    project = _older_project(releases, workspace, PROJECT_NAME)
    # Two edits away from what the template changes between the releases: under the README's
    # title, and at the end of the service module.
    _replace(project / "README.md", f"# {PROJECT_NAME}", f"# {PROJECT_NAME}\n\nOwned by the payments team.")
    service = project / "src" / "services" / "todo_service.py"
    service.write_text(service.read_text() + "\n# Reviewed by the payments team.\n")
    _commit(project, "Our edits")
    head = _git(project, "rev-parse", "HEAD")

    check = _update(releases, project, "--check")
    assert check.returncode == 1 and releases.newer in check.stdout, check.stdout + check.stderr

    started = time.monotonic()
    result = _update(releases, project)
    print(f"\nshallot update {releases.older} -> {releases.newer}: {time.monotonic() - started:.1f} s\n{result.stdout}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _git(project, "rev-parse", "HEAD") == head, "the update leaves committing to the team"
    assert "Owned by the payments team." in (project / "README.md").read_text()
    assert "# Reviewed by the payments team." in service.read_text()
    assert f"ARG SHALLOT_IMAGE={releases.image(releases.newer)}\n" in (project / "Dockerfile").read_text()
    assert f'"shallot-runtime=={releases.newer}"' in (project / "pyproject.toml").read_text()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == f"v{releases.newer}"
    assert "## Updating shallot" in (project / "README.md").read_text(), "the newer release's README section arrived"
    assert not [line for line in _git(project, "diff").splitlines() if line.startswith("+<<<<<<<")]

    _commit(project, "shallot update")
    assert _update(releases, project, "--check").returncode == 0
    with _made(project, releases.image(releases.newer), postgres_image, "test"):
        pass


def test_update_marks_an_edit_that_overlaps_the_releases_change_as_a_conflict(releases, workspace):
    project = _older_project(releases, workspace, "clash-api")
    older_pin = f"ARG SHALLOT_IMAGE={releases.image(releases.older)}"
    _replace(project / "Dockerfile", older_pin, f"{older_pin}\n# pinned by the platform team")
    _replace(project / "Dockerfile", older_pin, older_pin.replace(f":{releases.older}", f":{releases.older}-ours"))
    _commit(project, "Our own pin")

    result = _update(releases, project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Dockerfile" in result.stderr
    assert "<<<<<<< before updating" in (project / "Dockerfile").read_text()
    assert "Dockerfile" in _git(project, "diff", "--name-only", "--diff-filter=U")


# A project as `new --defaults` of RELEASE wrote it, rendered in the newer image from its release
# history (RELEASE's tag, with the answers `new` gives): no image of RELEASE is built.
RENDER_AS_RELEASE = """\
import sys
from copier import run_copy
from shallot.commands.new import _ask
name, release, image = sys.argv[1:]
answers = _ask(name, {"shallot_image": image}, interactive=False)
run_copy("/opt/shallot/template.git", f"/work/{name}", data=answers.as_data(), vcs_ref=f"v{release}",
         defaults=True, quiet=True)
"""
# What 0.3.0 moved out of the project (serving and the web platform), which a 0.2.0 team did not edit.
MOVED_IN_0_3_0 = ["deploy/uwsgi.ini", "deploy/supervise.py", "deploy/supervisord.conf", "deploy/fatal_listener.py",
                  "deploy/reload_on_change.py", "src/json_logging.py", "src/tracing.py", "src/observability.py",
                  "src/api/metrics.py", "src/api/middleware.py", "src/api/cors.py", "src/api/controllers/docs.py",
                  "src/infrastructure/pool_metrics.py", "src/api/controllers/health.py", "src/api/responses.py",
                  "src/api/schemas/common.py", "src/infrastructure/clock.py", "tests/unit/test_supervise.py",
                  "tests/unit/api/test_health.py"]
NGINX_KEPT = ("deploy/nginx.conf: deleted in shallot {release}, changed in this project; now: deploy/nginx.d/*.conf "
              "(your additions to shallot's nginx server block; see docs/serving.md)")


def _project_of_release(releases: Releases, workspace: Path, name: str, release: str) -> Path:
    result = docker_run(releases.image(releases.newer), "python", "-c", RENDER_AS_RELEASE, name, release,
                        releases.image(release), volumes=[(workspace, "/work")], timeout=600)
    assert result.returncode == 0, result.stderr
    project = workspace / name
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == f"v{release}" and answers["shallot_image"] == releases.image(release)
    _git(project, "init", "--quiet", "--initial-branch=main")
    _commit(project, "New project, made by shallot")
    return project


# A field on todos as a 0.2.0 team writes it: through the entity, the table, the repository and
# the response, with its own migration (0002, the number 0.3.0's job queue takes too). Each
# edit: (file, a line of 0.2.0's, the line the team adds after it).
PRIORITY_IN_0_2_0 = [
    ("src/domain/models/todo.py", "    completed_at: datetime | None = None\n", "    priority: int = 0\n"),
    ("src/infrastructure/models/todo.py",
     "    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))\n",
     '    priority: Mapped[int] = mapped_column(server_default="0")\n'),
    ("src/infrastructure/repositories/todo_repository.py", '        "completed_at": todo.completed_at,\n',
     '        "priority": todo.priority,\n'),
    ("src/infrastructure/repositories/todo_repository.py", "        completed_at=row.completed_at,\n",
     "        priority=row.priority,\n"),
    ("src/api/schemas/todos.py", "    completed_at = fields.AwareDateTime(allow_none=True, required=True)\n",
     "    priority = fields.Integer(required=True)\n"),
]
PRIORITY_MIGRATION = '''"""todos: priority

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("todos", sa.Column("priority", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("todos", "priority")
'''
# Where 0.3.0's own tests want the field too (the project's docs/updating.md says so).
PRIORITY_IN_0_3_0 = [
    ("src/api/schemas/todos.py", '                "completed_at": "2026-12-02T16:05:00+00:00",\n',
     '                "priority": 0,\n'),
    ("tests/unit/api/test_todos_api.py",
     '        written["completed_at"] = written["created_at"]  # by hand: created done, so completed\n',
     '        written["priority"] = 0\n'),
]
ADDED_PACKAGE = "humanize>=4"


def _add_lines(project: Path, edits) -> None:
    for path, line, added in edits:
        _replace(project / path, line, line + added)


def _add_package_as_0_2_0_did(repo: Path, image: str, project: Path, scratch: Path, requirement: str) -> None:
    """What 0.2.0's `make add pkg=REQUIREMENT` does: `shallot add --no-sync REQUIREMENT` on the
    project's files, in an image holding 0.2.0's runtime wheel, which its pyproject.toml names.
    No 0.2.0 image is built here: this image's CLI runs it, given that wheel, built from 0.2.0's
    sources as its image built it."""
    sources, wheels = scratch / "sources", scratch / "wheels"
    sources.mkdir()
    archive = subprocess.run(["git", "-C", str(repo), "archive", PREVIOUS_RELEASE_COMMIT, "runtime", "VERSION"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(sources)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels),
                    str(sources / "runtime")], check=True, capture_output=True)
    (wheel,) = wheels.glob(f"shallot_runtime-{PREVIOUS_RELEASE}-*.whl")
    result = docker_run(image, "add", "--no-sync", requirement, timeout=600,
                        volumes=[(project, "/work"), (wheel, f"/opt/shallot/wheels/{wheel.name}")])
    assert result.returncode == 0, result.stdout + result.stderr


def _release_side(text: str) -> str:
    """TEXT with each conflict resolved to the release's side."""
    return re.sub(r"<<<<<<< before updating\n.*?=======\n(.*?)>>>>>>> after updating\n", r"\1", text, flags=re.S)


def test_update_brings_a_0_2_0_project_with_the_teams_field_package_and_nginx_line(
        releases, repo, workspace, postgres_image, tmp_path):
    project = _project_of_release(releases, workspace, PROJECT_NAME, PREVIOUS_RELEASE)
    # Behind this machine's proxy, as a team behind one keeps it (git ignores it): for uv.
    (project / "certs" / "host.crt").write_text(authorities_beyond_the_usual())
    # The team's edits: a field on todos; a package, with `make add`; a line in nginx's
    # configuration, which 0.3.0 deletes; one of their own settings at the end of .env.example,
    # which 0.3.0 changes elsewhere.
    _add_lines(project, PRIORITY_IN_0_2_0)
    (project / "migrations" / "versions" / "0002_todos_priority.py").write_text(PRIORITY_MIGRATION)
    _add_package_as_0_2_0_did(repo, releases.image(releases.newer), project, tmp_path, ADDED_PACKAGE)
    _replace(project / "deploy" / "nginx.conf", "client_body_timeout 10s;\n",
             "client_body_timeout 10s;\n    client_body_buffer_size 64k;\n")
    env_example = project / ".env.example"
    env_example.write_text(env_example.read_text() + "\n# Our payments provider\nPAYMENTS_URL=https://pay.example.com\n")
    _commit(project, "Our edits")
    head = _git(project, "rev-parse", "HEAD")
    image = releases.image(releases.newer)

    started = time.monotonic()
    result = _update(releases, project)
    print(f"\nshallot update {PREVIOUS_RELEASE} -> {releases.newer}: {time.monotonic() - started:.1f} s\n"
          f"{result.stdout}{result.stderr}")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.splitlines()[1:] == [
        f"  {NGINX_KEPT.format(release=releases.newer)}",
        f"  pyproject.toml: changed in shallot {releases.newer} and in this project",
        f"  uv.lock: this project's, as committed: once pyproject.toml is resolved, lock with the release's image: "
        f'docker run --rm -v "$PWD:/work" {image} lock',
    ], result.stderr
    assert "client_body_buffer_size 64k;" in (project / "deploy" / "nginx.conf").read_text()
    assert ", 3 conflicted" in result.stdout.splitlines()[0]
    removed = result.stdout.split("removed (", 1)[1].split(":\n", 1)[1]
    for name in MOVED_IN_0_3_0:
        assert not (project / name).exists(), name
        assert f"  {name}\n" in removed, name
    assert "  migrations/versions/0002_create_job_queue.py: revision 0003, after 0002\n" in result.stdout
    for path, _, added in PRIORITY_IN_0_2_0:
        assert added in (project / path).read_text(), f"the field merged into {path}"
    assert "PAYMENTS_URL=https://pay.example.com" in env_example.read_text()
    assert "# gunicorn worker processes" in env_example.read_text(), "the release's change merged"
    assert "A\tdocs/serving.md" in _git(project, "diff", "--name-status").splitlines(), "new files show in git diff"
    assert _git(project, "rev-parse", "HEAD") == head

    # The team resolves what it listed: nginx's line where the message says; the release's
    # dependencies with their package, then uv.lock with the release's image; their field where
    # 0.3.0's tests want it; then the contract (make openapi), up, migrate and the suite.
    _git(project, "rm", "--quiet", "deploy/nginx.conf")
    (project / "deploy" / "nginx.d").mkdir(exist_ok=True)
    (project / "deploy" / "nginx.d" / "body.conf").write_text("client_body_buffer_size 64k;\n")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(_release_side(pyproject.read_text()))
    _replace(pyproject, '    "python-dotenv>=1.0",\n', f'    "python-dotenv>=1.0",\n    "{ADDED_PACKAGE}",\n')
    locked = docker_run(image, "lock", volumes=[(project, "/work")], timeout=600)
    assert locked.returncode == 0, locked.stdout + locked.stderr
    locked = locked_packages(project)
    assert locked["shallot-runtime"]["version"] == releases.newer and "humanize" in locked
    _add_lines(project, PRIORITY_IN_0_3_0)
    _commit(project, "shallot update")
    assert _update(releases, project, "--check").returncode == 0
    with _made(project, image, postgres_image, "openapi", "up", "migrate", "test") as env:
        http = Http(f"http://127.0.0.1:{env['HTTP_PORT']}")
        assert http.request("GET", "/readyz")[0] == 200, "nginx took body.conf"
        status, _, todo = http.request("POST", "/v1/todos", {"title": "Ship 0.3.0"})
        assert (status, todo["priority"]) == (201, 0), todo
        imported = docker("run", "--rm", env["APP_IMAGE"], "python", "-c", "import humanize", check=False)
        assert imported.returncode == 0, imported.stderr


def test_update_refuses_bad_input_in_one_line_and_changes_nothing(releases, workspace, registry):
    project = _older_project(releases, workspace, "refused-api")
    head = _git(project, "rev-parse", "HEAD")
    newer = releases.image(releases.newer)

    def refused(arguments, folder=project, expected=2):
        result = _update(releases, folder, *arguments, image=newer)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == expected and len(lines) == 1 and lines[0].startswith("shallot: error:"), (
            arguments, result.returncode, result.stderr)
        return lines[0]

    assert "9.9.9 is not a release this image knows" in refused(["--to", "9.9.9"])
    assert "not a release number" in refused(["--to", "next"])

    plain = workspace / "plain"
    plain.mkdir()
    (plain / "README.md").write_text("not a shallot project\n")
    subprocess.run(["chown", "-R", f"{HOST_UID}:{HOST_UID}", str(plain)], check=True)
    assert "was not made by shallot" in refused([], folder=plain)

    not_git = workspace / "not-git"
    shutil.copytree(project, not_git, ignore=shutil.ignore_patterns(".git"))
    subprocess.run(["chown", "-R", f"{HOST_UID}:{HOST_UID}", str(not_git)], check=True)
    assert "is not a git repository" in refused([], folder=not_git)

    (project / "notes.txt").write_text("work in progress\n")
    os.chown(project / "notes.txt", HOST_UID, HOST_UID)
    assert "uncommitted changes (notes.txt)" in refused([])
    (project / "notes.txt").unlink()

    updated = workspace / "updated"
    shutil.copytree(project, updated, symlinks=True)
    subprocess.run(["chown", "-R", f"{HOST_UID}:{HOST_UID}", str(updated)], check=True)
    assert _update(releases, updated).returncode == 0
    _commit(updated, "shallot update")
    assert "moving back to 0.1.0 is not supported" in refused(["--to", releases.older], folder=updated)

    _, process = registry
    process.send_signal(19)  # SIGSTOP: the registry stops answering
    try:
        line = refused([], expected=1)
    finally:
        process.send_signal(18)  # SIGCONT
    assert "cannot reach the registry" in line or "timed out" in line, line

    assert _git(project, "rev-parse", "HEAD") == head
    assert _git(project, "status", "--porcelain") == ""


# A release after this one whose template changes the example's routes: this release's image,
# its release history holding one more tagged commit.
NEXT_RELEASE_DOCKERFILE = """\
FROM {image}
RUN git clone --quiet /opt/shallot/template.git /tmp/next \\
    && printf '\\n# The example, as the next release changes it.\\n' \\
       >> /tmp/next/project/src/api/controllers/todos.py.jinja \\
    && git -C /tmp/next -c user.name=shallot -c user.email=shallot@invalid commit --quiet --all -m 'shallot {next}' \\
    && git -C /tmp/next tag v{next} \\
    && git -C /tmp/next push --quiet origin HEAD:main v{next} \\
    && rm -rf /tmp/next
"""


def _next_release(releases: Releases) -> str:
    major, minor, patch = releases.newer.split(".")
    following = f"{major}.{minor}.{int(patch) + 1}"
    image = releases.image(following)
    docker("build", "--quiet", "--tag", image, "-",
           input=NEXT_RELEASE_DOCKERFILE.format(image=releases.image(releases.newer), next=following))
    docker("push", image)
    return following


def test_update_leaves_generated_resources_as_they_are_and_their_suite_passes(releases, workspace, postgres_image):
    project = _project_of_release(releases, workspace, PROJECT_NAME, releases.newer)
    generated: set[str] = set()
    for resource in (("customers", "name:str(80)", "email:str(120):unique"),
                     ("invoices", "number:str(32):unique", "amount:decimal(12,2)", "due_on:date", "paid:bool=false",
                      "customer:ref(customers)")):
        result = docker_run(releases.image(releases.newer), "generate", "resource", *resource,
                            volumes=[(project, "/work")])
        assert result.returncode == 0, result.stdout + result.stderr
        _commit(project, f"Generate {resource[0]}")
        generated |= set(_git(project, "show", "--name-only", "--format=", "HEAD").split())
    assert {"src/api/controllers/invoices.py", "src/dependency_container.py", "openapi.json"} <= generated

    following = _next_release(releases)
    result = _update(releases, project, "--to", following, image=releases.image(following))
    print(f"\nshallot update {releases.newer} -> {following}:\n{result.stdout}{result.stderr}")
    assert result.returncode == 0, result.stdout + result.stderr
    changed = set(_git(project, "diff", "--name-only").split())
    assert "src/api/controllers/todos.py" in changed, "the release's change to the example arrived"
    assert not changed & generated, f"the update changed what the generator wrote: {sorted(changed & generated)}"

    _commit(project, "shallot update")
    with _made(project, releases.image(following), postgres_image, "test"):
        pass
