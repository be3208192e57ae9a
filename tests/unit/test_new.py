"""`shallot new` on the host, as a subprocess: what it writes, and what it refuses."""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from shallot.render import SCRATCH, template_dir

# The tree the foundation issue promises, relative to the project folder.
REQUIRED_PATHS = [
    "src/api/controllers",
    "src/api/schemas",
    "src/api/error_handler.py",
    "src/infrastructure/repositories",
    "src/infrastructure/unit_of_work.py",
    "src/infrastructure/models",
    "src/domain/constants.py",
    "src/domain/exceptions.py",
    "src/domain/models",
    "src/services",
    "src/app.py",
    "src/config.py",
    "src/create_app.py",
    "src/dependency_container.py",
    "migrations",
    "scripts/run_postgres.sh",
    "manage.py",
    "tests",
    "Dockerfile",
    "README.md",
    ".gitignore",
    ".env.example",
    "pyproject.toml",
    "uv.lock",
    "certs/README.md",
    ".copier-answers.yml",
]


def shallot(workspace, *args, stdin=subprocess.DEVNULL, owner=None):
    """The CLI in WORKSPACE; with OWNER (a uid, as root), started as the image's entrypoint starts it."""
    env = {**os.environ, "SHALLOT_WORKSPACE": str(workspace)}
    env.pop("SHALLOT_REQUIRE_MOUNT", None)
    if owner is not None:
        env["SHALLOT_OWNER"] = f"{owner} {owner}"
    return subprocess.run(
        [sys.executable, "-m", "shallot", *args], env=env, stdin=stdin, capture_output=True, text=True, timeout=120
    )


def test_new_renders_the_onion_layout(tmp_path):
    result = shallot(tmp_path, "new", "payments-api", "--defaults")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "payments-api"
    missing = [path for path in REQUIRED_PATHS if not (project / path).exists()]
    assert missing == []
    assert os.stat(project / "scripts/run_postgres.sh").st_mode & stat.S_IXUSR
    assert "cd payments-api" in result.stdout


def test_answers_file_records_every_answer_for_copier_update(tmp_path):
    shallot(tmp_path, "new", "billing", "--defaults", "--http-port", "9000", "--author-email", "dev@example.com")
    answers = yaml.safe_load((tmp_path / "billing/.copier-answers.yml").read_text())
    assert answers["http_port"] == 9000
    assert answers["author_email"] == "dev@example.com"
    assert answers["package_name"] == "billing"
    assert answers["_src_path"].endswith("template")


def test_without_a_tty_the_defaults_are_taken(tmp_path):
    result = shallot(tmp_path, "new", "orders")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((tmp_path / "orders/.copier-answers.yml").read_text())["database_name"] == "orders"


def test_an_empty_existing_folder_is_used(tmp_path):
    (tmp_path / "orders").mkdir()
    assert shallot(tmp_path, "new", "orders").returncode == 0
    assert (tmp_path / "orders/manage.py").is_file()


def _assert_refused(result, tmp_path, says, before):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("shallot: error: ")
    assert says in lines[0]
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["new", "../escape"], "path separator"),
        (["new", "class"], "Python keyword"),
        (["new", "json"], "standard library"),
        (["new", "9lives"], "starts with a digit"),
        (["new", "ok", "--package-name", "for"], "Python keyword"),
        (["new", "ok", "--http-port", "80"], "out of range"),
        (["new", "ok", "--http-port", "5432"], "both 5432"),
        (["new", "ok", "--author-email", "nobody"], "author email"),
        (["new", "ok", "--auth", "basic"], "not oidc"),
        (["new", "ok", "--bogus"], "No such option"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_input_is_refused_in_one_line_with_nothing_written(tmp_path, args, says):
    _assert_refused(shallot(tmp_path, *args), tmp_path, says, before=[])


def test_a_non_empty_target_is_refused_and_kept(tmp_path):
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders/notes.txt").write_text("mine")
    _assert_refused(shallot(tmp_path, "new", "orders"), tmp_path, "not empty", before=["orders"])
    assert (tmp_path / "orders/notes.txt").read_text() == "mine"


def test_a_file_in_the_way_is_refused(tmp_path):
    (tmp_path / "orders").write_text("a file")
    _assert_refused(shallot(tmp_path, "new", "orders"), tmp_path, "is not a folder", before=["orders"])


def test_a_failed_render_leaves_nothing(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    template = tmp_path / "broken-template"
    (template / "project").mkdir(parents=True)
    (template / "copier.yml").write_text("_subdirectory: project\n_templates_suffix: .jinja\nproject_name: {type: str}\n")
    (template / "project/ok.txt").write_text("fine")
    (template / "project/bad.txt.jinja").write_text("{{ undefined_variable | no_such_filter }}")
    env = {**os.environ, "SHALLOT_WORKSPACE": str(workspace), "SHALLOT_TEMPLATE": str(template)}
    result = subprocess.run(
        [sys.executable, "-m", "shallot", "new", "orders"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert os.listdir(workspace) == []


def test_plain_copier_and_the_cli_agree_on_defaults(tmp_path, repo):
    from copier import run_copy

    env_free = {key: os.environ.pop(key) for key in ("SHALLOT_IMAGE", "SHALLOT_POSTGRES_IMAGE") if key in os.environ}
    try:
        shallot(tmp_path, "new", "payments-api", "--defaults")
        run_copy(str(template_dir()), str(tmp_path / "plain"), data={"project_name": "payments-api"}, defaults=True, quiet=True)
    finally:
        os.environ.update(env_free)
    by_cli = yaml.safe_load((tmp_path / "payments-api/.copier-answers.yml").read_text())
    by_copier = yaml.safe_load((tmp_path / "plain/.copier-answers.yml").read_text())
    # All but auth: copier's default is none, what a project made before the question updates with.
    assert (by_cli.pop("auth"), by_copier.pop("auth")) == ("oidc", "none")
    assert by_cli == by_copier


AUTH_FILES = ["src/api/auth.py", "src/domain/models/principal.py", "docs/auth.md", "tests/unit/api/test_auth.py"]


def test_by_default_the_api_takes_access_tokens_and_the_next_steps_show_how_to_get_one(tmp_path):
    result = shallot(tmp_path, "new", "payments-api", "--defaults")
    project = tmp_path / "payments-api"
    assert [path for path in AUTH_FILES if not (project / path).is_file()] == []
    assert '@todos.requires("todos:write")' in (project / "src/api/controllers/todos.py").read_text()
    assert "AUTH_ISSUER=" in (project / "deploy/kubernetes/base/config.env").read_text()
    assert 'curl -H "Authorization: Bearer $(make token)" http://localhost:8000/v1/todos' in result.stdout


def test_auth_none_renders_no_auth_code_at_all(tmp_path):
    result = shallot(tmp_path, "new", "open-api", "--defaults", "--auth", "none")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "open-api"
    assert [path for path in AUTH_FILES if (project / path).exists()] == []
    mentions = [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file() and path.suffix in {".py", ".md", ".yaml", ".env", ".example", ""}
        and any(word in path.read_text(errors="replace") for word in ("AUTH_", "requires(", "Principal", "token_verifier"))
    ]
    assert mentions == []
    assert "make token" not in result.stdout


def _without_git_identity(tmp_path) -> dict:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(home)}


def _git(folder, *args) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout


def test_the_project_is_a_repository_with_one_commit_by_its_author(tmp_path, monkeypatch):
    for name, value in _without_git_identity(tmp_path).items():
        monkeypatch.setenv(name, value)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    result = shallot(workspace, "new", "ledger", "--defaults", "--author-name", "Ada Team",
                     "--author-email", "ada@example.com")
    assert result.returncode == 0, result.stderr
    project = workspace / "ledger"
    assert "a git repository with its first commit" in result.stdout
    assert _git(project, "log", "--format=%an <%ae>|%s").splitlines() == ["Ada Team <ada@example.com>|New project, made by shallot"]
    assert _git(project, "status", "--porcelain") == ""
    assert _git(project, "branch", "--show-current").strip() == "main"
    _git(project, "fsck", "--strict")  # its objects, added straight into a pack, are whole


def test_no_git_and_an_enclosing_repository_make_none(tmp_path, monkeypatch):
    for name, value in _without_git_identity(tmp_path).items():
        monkeypatch.setenv(name, value)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    result = shallot(workspace, "new", "plain-api", "--defaults", "--no-git")
    assert result.returncode == 0 and "not a git repository (--no-git)" in result.stdout
    assert not (workspace / "plain-api" / ".git").exists()

    _git(workspace, "init", "--quiet")
    result = shallot(workspace, "new", "mono-api", "--defaults")
    assert result.returncode == 0, result.stderr
    assert f"inside the git repository at {workspace}" in result.stdout
    assert not (workspace / "mono-api" / ".git").exists()


def _tree(folder) -> dict:
    """Each path under FOLDER (but .git) with its owner and mode."""
    found = {}
    for path in folder.rglob("*"):
        if ".git" not in path.relative_to(folder).parts:
            info = path.lstat()
            found[str(path.relative_to(folder))] = (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode))
    return found


def _scratch_folders() -> set:
    return {path.name for path in SCRATCH.iterdir()} if SCRATCH.is_dir() else set()


@pytest.fixture
def open_folder():
    """A folder that any user can go through (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_started_as_root_for_an_owner_it_writes_as_the_owner_what_a_plain_render_writes(open_folder):
    """The image's entrypoint starts the CLI as root with SHALLOT_OWNER; run as root here (as CI does)."""
    owner = 2345
    as_root, as_owner = open_folder / "root", open_folder / "owner"
    as_root.mkdir()
    as_owner.mkdir()
    os.chown(as_owner, owner, owner)
    scratch_before = _scratch_folders()

    assert shallot(as_root, "new", "orders", "--no-git").returncode == 0
    result = shallot(as_owner, "new", "orders", owner=owner)
    assert result.returncode == 0, result.stderr

    rendered = _tree(as_owner / "orders")
    assert {(uid, gid) for uid, gid, _mode in rendered.values()} == {(owner, owner)}
    assert {path: mode for path, (*_owner, mode) in rendered.items()} == {
        path: mode for path, (*_owner, mode) in _tree(as_root / "orders").items()
    }
    assert _git(as_owner / "orders", "-c", "safe.directory=*", "log", "--format=%s").strip() == "New project, made by shallot"
    assert _scratch_folders() == scratch_before


def test_a_workspace_the_owner_may_not_enter_is_one_line(open_folder):
    shut = open_folder / "shut"
    (shut / "work").mkdir(parents=True)
    shut.chmod(0o700)
    result = shallot(shut / "work", "new", "orders", owner=2345)
    assert (result.returncode, result.stderr) == (2, f"shallot: error: {shut / 'work'}: Permission denied\n")
