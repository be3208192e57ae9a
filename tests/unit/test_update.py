"""What `shallot update` reads before it changes anything: the project's release, the image it
moves to, and whether a registry has that image (a local HTTP server stands in for one); then
what it does to a project's files, with a template of two releases made here (a git repository
with a tagged commit for each, as the image's release history is) and rendered by copier."""

import http.server
import json
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.version import Version

from shallot import registry, uv
from shallot.commands.update import update
from shallot.errors import BadInput, ShallotError
from shallot.moved import where_now
from shallot.releases import Project, image_for, parse


def _project(folder: Path, answers: str, pyproject: str | None = None) -> Path:
    folder.mkdir()
    (folder / ".copier-answers.yml").write_text(answers)
    if pyproject is not None:
        (folder / "pyproject.toml").write_text(pyproject)
    return folder


def test_the_release_is_the_recorded_commit(tmp_path):
    folder = _project(tmp_path / "p", "_commit: v0.3.1\nshallot_image: ghcr.io/acme/shallot:0.3.1\n")
    project = Project.read(folder)
    assert project.release == Version("0.3.1") and project.image == "ghcr.io/acme/shallot:0.3.1"


def test_a_project_made_before_releases_were_recorded_is_read_by_its_runtime_pin(tmp_path):
    folder = _project(tmp_path / "p", "_src_path: /opt/shallot/template\n",
                      'dependencies = [\n    "shallot-runtime==0.1.0",\n]\n')
    assert Project.read(folder).release == Version("0.1.0")


def test_a_folder_shallot_did_not_make_is_refused(tmp_path):
    with pytest.raises(BadInput, match="was not made by shallot"):
        Project.read(tmp_path)
    folder = _project(tmp_path / "p", "_src_path: /elsewhere\n", "[project]\n")
    with pytest.raises(ShallotError, match="cannot tell which shallot release"):
        Project.read(folder)


def test_a_version_that_is_not_a_release_number_is_refused():
    with pytest.raises(BadInput, match="not a release number"):
        parse("next")


@pytest.mark.parametrize(
    ("pinned", "expected"),
    [
        ("ghcr.io/acme/shallot:0.1.0", "ghcr.io/acme/shallot:0.2.0"),
        ("127.0.0.1:5000/shallot:0.1.0", "127.0.0.1:5000/shallot:0.2.0"),
        ("shallot:dev", "shallot:dev"),  # a local build is not tagged by release: it stays
        ("ghcr.io/acme/shallot:0.1.0-ours", "ghcr.io/acme/shallot:0.1.0-ours"),
        ("127.0.0.1:5000/shallot", "127.0.0.1:5000/shallot"),
    ],
)
def test_the_image_moves_to_the_releases_tag_only_when_pinned_by_release(pinned, expected):
    assert image_for(pinned, Version("0.1.0"), Version("0.2.0")) == expected


@pytest.mark.parametrize(
    ("reference", "host"),
    [("ghcr.io/acme/shallot:1.0.0", "ghcr.io"), ("127.0.0.1:5000/shallot:1.0.0", "127.0.0.1:5000"),
     ("localhost/shallot:1", "localhost"), ("shallot:dev", None), ("acme/shallot:1.0.0", None)],
)
def test_the_registry_is_the_first_component_when_it_names_a_host(reference, host):
    assert registry.registry_of(reference) == host


class _Registry(http.server.BaseHTTPRequestHandler):
    """A registry's manifest endpoint: acme/public has 1.0.0, acme/token wants a token first."""

    def do_HEAD(self):  # noqa: N802 - the handler's protocol
        if self.path.startswith("/v2/acme/token/"):
            if self.headers.get("Authorization") != "Bearer granted":
                realm = f"http://{self.headers['Host']}/token"
                self._answer(401, {"WWW-Authenticate": f'Bearer realm="{realm}",service="test",scope="pull"'})
                return
            self._answer(200)
            return
        self._answer(200 if self.path == "/v2/acme/public/manifests/1.0.0" else 404)

    def do_GET(self):  # noqa: N802
        body = json.dumps({"token": "granted"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, status, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_registry():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_pullable_image_passes_and_a_missing_one_is_refused(local_registry):
    assert registry.is_pullable(f"{local_registry}/acme/public:1.0.0") is True
    with pytest.raises(ShallotError, match="is not in its registry"):
        registry.is_pullable(f"{local_registry}/acme/public:9.9.9")


def test_a_registry_that_wants_a_token_gives_one_anonymously(local_registry):
    assert registry.is_pullable(f"{local_registry}/acme/token:1.0.0") is True


def test_an_unreachable_registry_is_one_line(local_registry):
    closed = f"127.0.0.1:{_closed_port()}"
    with pytest.raises(ShallotError, match=f"cannot reach the registry {closed}.*nothing was changed"):
        registry.is_pullable(f"{closed}/shallot:1.0.0")


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Two releases of a template: 0.3.0 deletes deploy/ but for a new folder of nginx additions,
# changes the README, the notes and the settings.
COPIER_YML = """\
_subdirectory: project
_templates_suffix: .jinja
_answers_file: .copier-answers.yml
project_name:
  type: str
shallot_image:
  type: str
  default: shallot:dev
"""
SHARED = {
    "copier.yml": COPIER_YML,
    "project/{{_copier_conf.answers_file}}.jinja": "{{ _copier_answers|to_nice_yaml -}}\n",
    "project/uv.lock": "version = 1\n",
    "project/src/app.py": "app = None\n",
}
RELEASES = {
    "0.2.0": {
        **SHARED,
        "project/README.md.jinja": "# {{ project_name }}\n\nServed by uWSGI behind nginx.\n",
        "project/deploy/nginx.conf": "server {\n    listen 8000;\n}\n",
        "project/deploy/uwsgi.ini": "[uwsgi]\nprocesses = 4\n",
        "project/notes.md": "Notes of 0.2.0.\n",
        "project/src/config.py": "DEBUG = False\n",
    },
    "0.3.0": {
        **SHARED,
        "project/README.md.jinja": "# {{ project_name }}\n\nServed by shallot-serve.\n",
        "project/deploy/nginx.d/README.md": "Your additions to shallot's nginx server block.\n",
        "project/notes.md": "Notes of 0.3.0.\n",
        "project/src/config.py": "from shallot_runtime.settings import ServiceSettings\n",
    },
}
NGINX_DELETED = (
    "deploy/nginx.conf: deleted in shallot 0.3.0, changed in this project; now: deploy/nginx.d/*.conf "
    "(your additions to shallot's nginx server block; see docs/serving.md)"
)


def _git(folder: Path, *arguments: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *arguments], capture_output=True, text=True, check=True).stdout


def _commit_all(folder: Path, message: str) -> None:
    _git(folder, "add", "--all")
    _git(folder, "commit", "--quiet", "-m", message)


def _history(history: Path, releases: dict[str, dict[str, str]]) -> Path:
    """A template's history: one tagged commit per release."""
    _git(history, "init", "--quiet", "--initial-branch=main")
    for version, files in releases.items():
        _git(history, "rm", "--quiet", "-r", "--ignore-unmatch", ".")
        for name, text in files.items():
            (history / name).parent.mkdir(parents=True, exist_ok=True)
            (history / name).write_text(text)
        _commit_all(history, f"shallot {version}")
        _git(history, "tag", f"v{version}")
    return history


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> Path:
    return _history(tmp_path_factory.mktemp("history"), RELEASES)


@pytest.fixture(scope="module", autouse=True)
def environment():
    """A git identity, and uv as content with any lock (the releases' is no real one)."""
    with pytest.MonkeyPatch.context() as patch:
        for variable in ("GIT_AUTHOR", "GIT_COMMITTER"):
            patch.setenv(f"{variable}_NAME", "Team")
            patch.setenv(f"{variable}_EMAIL", "team@example.com")
        patch.setattr(uv, "run", lambda *arguments, **options: None)
        yield


def _project_of_the_older_release(releases: Path, folder: Path) -> Path:
    from copier import run_copy

    run_copy(str(releases), folder, data={"project_name": "demo-api"}, vcs_ref="v0.2.0", defaults=True, quiet=True)
    _git(folder, "init", "--quiet", "--initial-branch=main")
    _commit_all(folder, "New project")
    return folder


def _update(releases: Path, project: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHALLOT_TEMPLATE_HISTORY", str(releases))
        return CliRunner().invoke(update, ["--to", "0.3.0", "--project", str(project)])


@pytest.fixture(scope="module")
def edited(releases, tmp_path_factory):
    """A 0.2.0 project its team edited, updated to 0.3.0: the update and the project."""
    project = _project_of_the_older_release(releases, tmp_path_factory.mktemp("edited") / "demo-api")
    nginx = project / "deploy" / "nginx.conf"
    nginx.write_text(nginx.read_text().replace("listen 8000;", "listen 8000;\n    client_body_buffer_size 64k;"))
    (project / "notes.md").unlink()
    (project / "src" / "config.py").write_text("DEBUG = True\n")
    _commit_all(project, "Our edits")
    return _update(releases, project), project


def test_a_file_the_release_deletes_but_the_project_changed_is_kept_and_listed_as_a_conflict(edited):
    result, project = edited
    assert result.exit_code == 1, result.output
    assert f"  {NGINX_DELETED}\n" in result.stderr
    assert "client_body_buffer_size 64k;" in (project / "deploy" / "nginx.conf").read_text()
    assert "deploy/nginx.conf" not in _git(project, "status", "--porcelain"), "kept as committed"


def test_a_file_merged_with_markers_is_listed_with_where_the_release_moved_it(edited):
    result, project = edited
    assert ("  src/config.py: changed in shallot 0.3.0 and in this project; now: shallot's settings in "
            "shallot_runtime.settings.ServiceSettings") in result.stderr
    assert "<<<<<<< before updating" in (project / "src" / "config.py").read_text()


def test_a_file_the_release_deletes_and_the_project_never_changed_is_removed_and_listed(edited):
    result, project = edited
    assert not (project / "deploy" / "uwsgi.ini").exists()
    assert "removed (1):\n  deploy/uwsgi.ini\n" in result.stdout


def test_a_file_the_project_deleted_stays_deleted_and_is_listed_when_the_release_changes_it(edited):
    result, project = edited
    assert not (project / "notes.md").exists()
    assert "kept deleted (1): this project deleted them, shallot 0.3.0 changed them\n  notes.md\n" in result.stdout


def test_the_summary_names_every_path_by_kind_with_counts(edited):
    result, _ = edited
    assert result.stdout.splitlines()[0] == (
        "updated from shallot 0.2.0 to 0.3.0, the image is now shallot:dev: "
        "1 added, 2 changed, 1 removed, 0 renamed, 2 conflicted"
    )
    assert "added (1):\n  deploy/nginx.d/README.md\n" in result.stdout
    assert "changed (2):\n  .copier-answers.yml\n  README.md\n" in result.stdout
    assert result.stderr.startswith("conflicted (2): resolve the <<<<<<< markers")
    conflicted = result.stderr.splitlines()[1:]
    assert conflicted[0] == f"  {NGINX_DELETED}" and conflicted[1].startswith("  src/config.py: changed in shallot 0.3.0 and in this project; now: ")
    assert len(conflicted) == 2


def test_new_files_show_in_git_diff(edited):
    _, project = edited
    shown = _git(project, "diff", "--name-status").splitlines()
    assert "A\tdeploy/nginx.d/README.md" in shown
    assert "D\tdeploy/uwsgi.ini" in shown
    staged = _git(project, "diff", "--cached", "--name-only", "--diff-filter=ACDMR")
    assert staged == "", "no content staged (only the conflict is, as unmerged): the team stages what it keeps"


def test_an_update_without_overlaps_removes_what_the_release_deleted_and_exits_0(releases, tmp_path):
    project = _project_of_the_older_release(releases, tmp_path / "demo-api")
    result = _update(releases, project)
    assert result.exit_code == 0, result.output
    assert not (project / "deploy" / "nginx.conf").exists() and not (project / "deploy" / "uwsgi.ini").exists()
    assert "removed (2):\n  deploy/nginx.conf\n  deploy/uwsgi.ini\n" in result.stdout
    assert "0 conflicted" in result.stdout.splitlines()[0] and "kept deleted" not in result.stdout
    assert result.stdout.endswith("review them with `git diff`, run `make test`, then commit\n")


@pytest.mark.parametrize(
    ("path", "after", "expected"),
    [
        ("deploy/uwsgi.ini", "0.2.0", "shallot-serve; gunicorn options in GUNICORN_CMD_ARGS"),
        ("deploy/uwsgi.ini", "0.1.0", "shallot-serve; gunicorn options in GUNICORN_CMD_ARGS"),
        ("deploy/uwsgi.ini", "0.3.0", None),  # an update from 0.3.0 on crosses no such move
        ("src/api/controllers/todos.py", "0.2.0", None),
    ],
)
def test_where_a_release_moved_a_file_is_told_only_for_the_releases_crossed(path, after, expected):
    found = where_now(path, Version(after), Version("0.4.0"))
    assert found == expected or (expected is not None and found.startswith(expected))


def test_the_releases_renames_are_found_as_git_finds_them_wherever_the_two_renders_are(tmp_path):
    from shallot import git

    old, new = tmp_path / "one" / "render", tmp_path / "two" / "render"
    (new / "src" / "cli").mkdir(parents=True)
    old.mkdir(parents=True)
    rows = "".join(f"row {number}\n" for number in range(20))
    (old / "seed.py").write_text(rows)
    (new / "src" / "cli" / "seed.py").write_text(rows + "row 20\n")  # more than half the same: a rename
    (old / "gone.txt").write_text("nothing like it\n")
    (new / "new.txt").write_text("something else\n")
    assert git.renames(old, new) == {"seed.py": "src/cli/seed.py"}


# --- authentication: kept as it is unless asked, added by --auth (on the same release too)

AUTH_QUESTION = """\
auth:
  type: str
  choices: [oidc, none]
  default: none
"""
AUTH_RELEASES = {
    "0.2.0": {**SHARED, "project/src/config.py": "DEBUG = False\n"},
    "0.3.0": {
        **SHARED,
        "copier.yml": COPIER_YML + AUTH_QUESTION,
        "project/src/config.py.jinja": "DEBUG = False\n{% if auth == 'oidc' %}AUTH = True\n{% endif %}",
        "project/src/{% if auth == 'oidc' %}auth.py{% endif %}": "CHECKS_TOKENS = True\n",
    },
}


@pytest.fixture(scope="module")
def auth_releases(tmp_path_factory) -> Path:
    return _history(tmp_path_factory.mktemp("auth-history"), AUTH_RELEASES)


def _auth_update(history: Path, project: Path, *options: str):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHALLOT_TEMPLATE_HISTORY", str(history))
        return CliRunner().invoke(update, ["--to", "0.3.0", "--project", str(project), *options])


def _project_at(history: Path, folder: Path, release: str) -> Path:
    from copier import run_copy

    run_copy(str(history), folder, data={"project_name": "demo-api"}, vcs_ref=f"v{release}", defaults=True, quiet=True)
    _git(folder, "init", "--quiet", "--initial-branch=main")
    _commit_all(folder, "New project")
    return folder


def test_an_update_keeps_a_project_without_authentication_open(auth_releases, tmp_path):
    project = _project_at(auth_releases, tmp_path / "demo-api", "0.2.0")
    result = _auth_update(auth_releases, project)
    assert result.exit_code == 0, result.output
    assert not (project / "src/auth.py").exists()
    assert "auth: none" in (project / ".copier-answers.yml").read_text()


def test_auth_oidc_adds_authentication_with_the_update(auth_releases, tmp_path):
    project = _project_at(auth_releases, tmp_path / "demo-api", "0.2.0")
    result = _auth_update(auth_releases, project, "--auth", "oidc")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("updated from shallot 0.2.0 to 0.3.0 with --auth oidc, the image is now")
    assert (project / "src/auth.py").read_text() == "CHECKS_TOKENS = True\n"
    assert "AUTH = True" in (project / "src/config.py").read_text()
    assert "auth: oidc" in (project / ".copier-answers.yml").read_text()


def test_auth_oidc_on_the_release_the_project_is_on_adds_it_alone(auth_releases, tmp_path):
    project = _project_at(auth_releases, tmp_path / "demo-api", "0.3.0")
    assert _auth_update(auth_releases, project).output.startswith("already on shallot 0.3.0")
    result = _auth_update(auth_releases, project, "--auth", "oidc")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("rendered shallot 0.3.0 again with --auth oidc, the image is now")
    assert "added (1):\n  src/auth.py\n" in result.output


def test_an_unknown_auth_is_refused_in_one_line(auth_releases, tmp_path):
    project = _project_at(auth_releases, tmp_path / "demo-api", "0.2.0")
    result = _auth_update(auth_releases, project, "--auth", "saml")
    assert result.exit_code != 0 and "auth 'saml' is not oidc" in str(result.exception)
