"""`shallot update` on a table of cases: for each, a template's release history of two tagged
releases (0.2.0 and 0.3.0, made here as the image's is: a git repository, a tagged commit per
release), a project rendered from the first as `update` renders a release and committed, the
team's edits committed on top, then `python -m shallot update --to 0.3.0` as a user runs it. Each case asserts the exit
status, the exact summary (stdout) and conflict list (stderr), the files' contents and run bits,
and what `git status` shows: nothing the team wrote is lost, and the message says what happened.

uv is the real one, offline, on a folder of small wheels made here (shallot-runtime 0.2.0 and
0.3.0, flask, payments-client). The updates run two or more at a time, each in a fork of the test
process (as `python -m shallot` would run, without importing copier again), in one module-scoped
fixture; each case's test reads its outcome."""

import importlib
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.version import Version

from shallot.release_diff import render_release


@dataclass(frozen=True)
class Executable:
    """A text file with its run bit set."""

    text: str


File = str | bytes | Executable

# The template every case shares: copier's settings, the answers file, the project's
# dependencies (locked by uv when the module starts) and the ignore rules of a real project.
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
ANSWERS = "{{ _copier_answers|to_nice_yaml -}}\n"
PYPROJECT = """\
[project]
name = "demo-api"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "shallot-runtime==0.2.0",
    "flask>=3.1",
]

[tool.uv]
package = false
"""
GITIGNORE = ".env\n.env.*\n!.env.example\n"
WHEELS = {"shallot-runtime": ("0.2.0", "0.3.0"), "flask": ("3.1.0",), "payments-client": ("1.0.0",)}

SETTINGS = '''\
"""The service's settings."""

WORKERS = 2
THREADS = 1
TIMEOUT = 30
KEEPALIVE = 2

LOG_LEVEL = "INFO"
LOG_FORMAT = "json"

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
'''
GUNICORN = """\
# gunicorn's settings (https://docs.gunicorn.org/en/stable/settings.html)
bind = "0.0.0.0:8000"
workers = 2
timeout = 30
"""
DEPLOYING = "# Deploying\n\nBuild the image, push it, and run `docker stack deploy`.\n"
SEED = '''\
"""Sample rows for the development database: python scripts/seed.py"""

from src.db import session

ROWS = [
    {"title": "Write the docs", "done": False},
    {"title": "Ship 0.2.0", "done": True},
]


def main() -> None:
    with session() as db:
        db.add_all(ROWS)


if __name__ == "__main__":
    main()
'''
SEED_MOVED = SEED.replace("python scripts/seed.py", "python -m src.cli.seed")
OUR_ROW = ('"done": True},\n', '"done": True},\n    {"title": "Ours", "done": False},\n')
HEALTH_OURS = 'def ready() -> bool:\n    """Ours: the queue is reachable."""\n    return True\n'
HEALTH_THEIRS = 'def ready() -> bool:\n    """shallot\'s: the database answers."""\n    return True\n'
WAIT = "#!/bin/sh\n# Waits for PostgreSQL to accept connections.\nuntil pg_isready --quiet; do sleep 1; done\n"
ENV_EXAMPLE = """\
# Copy to .env for local development; .env is never committed.
APP_ENV=development
LOG_LEVEL=INFO

# Host ports of the compose stack (`make up`)
HTTP_PORT=8000
POSTGRES_PORT=5432
"""
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 2
PNG_THEIRS = PNG.replace(b"\x10\x11\x12", b"new")
PNG_OURS = PNG.replace(b"\xf0\xf1\xf2", b"our")

UPDATED = "updated from shallot 0.2.0 to 0.3.0, the image is now shallot:dev"
REVIEW = "review them with `git diff`, run `make test`, then commit"
CONFLICTED = ("conflicted ({}): resolve the <<<<<<< markers and `git add` each file; move a deleted file's changes "
              "where it says and `git rm` it; then commit:")
ANSWERS_CHANGED = ["changed (1):", "  .copier-answers.yml"]


def conflict(ours: str, theirs: str) -> str:
    return f"<<<<<<< before updating\n{ours}=======\n{theirs}>>>>>>> after updating\n"


# The team's edits, made in a project (with the environment uv runs in).
Edit = Callable[[Path, dict[str, str]], None]


def replace(path: str, old: str, new: str) -> Edit:
    def edit(project: Path, _: dict[str, str]) -> None:
        text = (project / path).read_text()
        assert old in text, f"{old!r} not in {path}"
        (project / path).write_text(text.replace(old, new, 1))
    return edit


def write(path: str, content: File) -> Edit:
    return lambda project, _: _write(project / path, content)


def delete(path: str) -> Edit:
    return lambda project, _: (project / path).unlink()


def make_executable(path: str) -> Edit:
    return lambda project, _: (project / path).chmod(0o755)


def uv_add(requirement: str) -> Edit:
    """`make add pkg=REQUIREMENT`: uv writes pyproject.toml and uv.lock."""
    return lambda project, environment: _run(["uv", "add", "--quiet", "--no-sync", requirement], project, environment)


@dataclass(frozen=True)
class Case:
    older: dict[str, File]  # the case's files in 0.2.0 (beside the shared ones), by path in the project
    newer: dict[str, File]  # ... and in 0.3.0
    edits: tuple[Edit, ...]  # the team's, committed before the update
    exit_code: int
    stdout: list[str]
    stderr: list[str]
    files: dict[str, File | None]  # what the project holds after (None: no such file)
    status: list[str]  # `git status --porcelain` after
    uncommitted: tuple[Edit, ...] = ()  # the team's, not committed
    locked: dict[str, str] = field(default_factory=dict)  # uv.lock's packages after, with their versions


CASES = {
    "edit/edit in one hunk": Case(
        older={"src/settings.py": SETTINGS},
        newer={"src/settings.py": SETTINGS.replace("TIMEOUT = 30", "TIMEOUT = 60")},
        edits=(replace("src/settings.py", "TIMEOUT = 30", "TIMEOUT = 120"),),
        exit_code=1,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 0 renamed, 1 conflicted", *ANSWERS_CHANGED],
        stderr=[CONFLICTED.format(1), "  src/settings.py: changed in shallot 0.3.0 and in this project"],
        files={"src/settings.py": SETTINGS.replace("TIMEOUT = 30\n", conflict("TIMEOUT = 120\n", "TIMEOUT = 60\n"))},
        status=[" M .copier-answers.yml", "UU src/settings.py"],
    ),
    "edit/edit in different hunks": Case(
        older={"src/settings.py": SETTINGS},
        newer={"src/settings.py": SETTINGS.replace("WORKERS = 2", "WORKERS = 4")},
        edits=(replace("src/settings.py", "PAGE_SIZE = 20", "PAGE_SIZE = 50"),),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 2 changed, 0 removed, 0 renamed, 0 conflicted",
                "changed (2):", "  .copier-answers.yml", "  src/settings.py", REVIEW],
        stderr=[],
        files={"src/settings.py": SETTINGS.replace("WORKERS = 2", "WORKERS = 4").replace("SIZE = 20", "SIZE = 50")},
        status=[" M .copier-answers.yml", " M src/settings.py"],
    ),
    "edit/delete: the release deletes a file the team edited": Case(
        older={"deploy/gunicorn.conf.py": GUNICORN},
        newer={},
        edits=(replace("deploy/gunicorn.conf.py", "timeout = 30\n", "timeout = 120\nkeepalive = 5\n"),),
        exit_code=1,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 0 renamed, 1 conflicted", *ANSWERS_CHANGED],
        stderr=[CONFLICTED.format(1),
                "  deploy/gunicorn.conf.py: deleted in shallot 0.3.0, changed in this project"],
        files={"deploy/gunicorn.conf.py": GUNICORN.replace("timeout = 30\n", "timeout = 120\nkeepalive = 5\n")},
        status=[" M .copier-answers.yml"],
    ),
    "delete/edit: the team deleted a file the release edits": Case(
        older={"docs/deploying.md": DEPLOYING},
        newer={"docs/deploying.md": DEPLOYING.replace("docker stack deploy", "docker compose up")},
        edits=(delete("docs/deploying.md"),),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 0 renamed, 0 conflicted", *ANSWERS_CHANGED,
                "kept deleted (1): this project deleted them, shallot 0.3.0 changed them", "  docs/deploying.md",
                REVIEW],
        stderr=[],
        files={"docs/deploying.md": None},
        status=[" M .copier-answers.yml"],
    ),
    "renamed by the release, not edited": Case(
        older={"scripts/seed.py": SEED},
        newer={"src/cli/seed.py": SEED},
        edits=(),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 1 renamed, 0 conflicted", *ANSWERS_CHANGED,
                "renamed (1):", "  scripts/seed.py -> src/cli/seed.py", REVIEW],
        stderr=[],
        files={"scripts/seed.py": None, "src/cli/seed.py": SEED},
        status=[" M .copier-answers.yml", " R scripts/seed.py -> src/cli/seed.py"],
    ),
    "renamed and edited by the release, edited by the team elsewhere": Case(
        older={"scripts/seed.py": SEED},
        newer={"src/cli/seed.py": SEED_MOVED},
        edits=(replace("scripts/seed.py", *OUR_ROW),),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 1 renamed, 0 conflicted", *ANSWERS_CHANGED,
                "renamed (1):", "  scripts/seed.py -> src/cli/seed.py, with this project's changes", REVIEW],
        stderr=[],
        files={"scripts/seed.py": None, "src/cli/seed.py": SEED_MOVED.replace(*OUR_ROW)},
        status=[" M .copier-answers.yml", " R scripts/seed.py -> src/cli/seed.py"],
    ),
    "renamed and edited by the release, edited by the team in the same lines": Case(
        older={"scripts/seed.py": SEED},
        newer={"src/cli/seed.py": SEED_MOVED},
        edits=(replace("scripts/seed.py", "python scripts/seed.py", "make seed"),),
        exit_code=1,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 0 renamed, 1 conflicted", *ANSWERS_CHANGED],
        stderr=[CONFLICTED.format(1),
                "  src/cli/seed.py: renamed from scripts/seed.py in shallot 0.3.0, changed in this project"],
        files={"scripts/seed.py": None, "src/cli/seed.py": SEED.replace(
            '"""Sample rows for the development database: python scripts/seed.py"""\n',
            conflict('"""Sample rows for the development database: make seed"""\n',
                     '"""Sample rows for the development database: python -m src.cli.seed"""\n'))},
        status=[" M .copier-answers.yml", "UU src/cli/seed.py"],  # git counts the old path in
    ),
    "renamed by the release, deleted by the team": Case(
        older={"scripts/seed.py": SEED},
        newer={"src/cli/seed.py": SEED},
        edits=(delete("scripts/seed.py"),),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 0 renamed, 0 conflicted", *ANSWERS_CHANGED,
                "kept deleted (1): this project deleted them, shallot 0.3.0 changed them",
                "  scripts/seed.py (renamed src/cli/seed.py)", REVIEW],
        stderr=[],
        files={"scripts/seed.py": None, "src/cli/seed.py": None},
        status=[" M .copier-answers.yml"],
    ),
    "a binary file renamed by the release, edited by the team": Case(
        older={"docs/logo.png": PNG},
        newer={"docs/images/logo.png": PNG},
        edits=(write("docs/logo.png", PNG_OURS),),
        exit_code=1,
        stdout=[f"{UPDATED}: 1 added, 1 changed, 0 removed, 0 renamed, 1 conflicted",
                "added (1):", "  docs/images/logo.png", *ANSWERS_CHANGED],
        stderr=[CONFLICTED.format(1),
                "  docs/logo.png: renamed in shallot 0.3.0, changed in this project; now: docs/images/logo.png (binary: not merged)"],
        files={"docs/logo.png": PNG_OURS, "docs/images/logo.png": PNG},
        status=[" M .copier-answers.yml", " A docs/images/logo.png"],
    ),
    "a new file added by both, differently": Case(
        older={},
        newer={"src/health.py": HEALTH_THEIRS},
        edits=(write("src/health.py", HEALTH_OURS),),
        exit_code=1,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 0 renamed, 1 conflicted", *ANSWERS_CHANGED],
        stderr=[CONFLICTED.format(1), "  src/health.py: added in shallot 0.3.0 and in this project"],
        files={"src/health.py": "def ready() -> bool:\n" + conflict(
            '    """Ours: the queue is reachable."""\n', '    """shallot\'s: the database answers."""\n'
        ) + "    return True\n"},
        status=[" M .copier-answers.yml", "UU src/health.py"],
    ),
    "the run bit set by the release, the content edited by the team": Case(
        older={"scripts/wait_for_db.sh": WAIT},
        newer={"scripts/wait_for_db.sh": Executable(WAIT)},
        edits=(replace("scripts/wait_for_db.sh", "sleep 1", "sleep 2"),),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 2 changed, 0 removed, 0 renamed, 0 conflicted",
                "changed (2):", "  .copier-answers.yml", "  scripts/wait_for_db.sh", REVIEW],
        stderr=[],
        files={"scripts/wait_for_db.sh": Executable(WAIT.replace("sleep 1", "sleep 2"))},
        status=[" M .copier-answers.yml", " M scripts/wait_for_db.sh"],
    ),
    "the run bit set by the team, the content edited by the release": Case(
        older={"scripts/wait_for_db.sh": WAIT},
        newer={"scripts/wait_for_db.sh": WAIT.replace("--quiet", "--quiet --timeout=2")},
        edits=(make_executable("scripts/wait_for_db.sh"),),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 2 changed, 0 removed, 0 renamed, 0 conflicted",
                "changed (2):", "  .copier-answers.yml", "  scripts/wait_for_db.sh", REVIEW],
        stderr=[],
        files={"scripts/wait_for_db.sh": Executable(WAIT.replace("--quiet", "--quiet --timeout=2"))},
        status=[" M .copier-answers.yml", " M scripts/wait_for_db.sh"],
    ),
    "uv.lock edited on both sides: the release's pin, the team's new package": Case(
        older={},
        newer={"pyproject.toml": PYPROJECT.replace("0.2.0", "0.3.0")},
        edits=(uv_add("payments-client>=1.0"),),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 3 changed, 0 removed, 0 renamed, 0 conflicted",
                "changed (3):", "  .copier-answers.yml", "  pyproject.toml", "  uv.lock", REVIEW],
        stderr=[],
        files={"pyproject.toml": PYPROJECT.replace("0.2.0", "0.3.0").replace(
            '"flask>=3.1",\n', '"flask>=3.1",\n    "payments-client>=1.0",\n')},
        status=[" M .copier-answers.yml", " M pyproject.toml", " M uv.lock"],
        locked={"demo-api": "0.1.0", "flask": "3.1.0", "payments-client": "1.0.0", "shallot-runtime": "0.3.0"},
    ),
    "uv.lock edited on both sides, pyproject.toml in the same lines": Case(
        older={},
        newer={"pyproject.toml": PYPROJECT.replace("0.2.0", "0.3.0")},
        edits=(uv_add("flask>=3.1,<4"),),
        exit_code=1,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 0 renamed, 2 conflicted", *ANSWERS_CHANGED],
        stderr=[CONFLICTED.format(2),
                "  pyproject.toml: changed in shallot 0.3.0 and in this project",
                "  uv.lock: this project's, as committed: once pyproject.toml is resolved, lock with the release's "
                'image: docker run --rm -v "$PWD:/work" shallot:dev lock'],
        files={"pyproject.toml": PYPROJECT.replace(
            '    "shallot-runtime==0.2.0",\n    "flask>=3.1",\n',
            conflict('    "shallot-runtime==0.2.0",\n    "flask>=3.1,<4",\n',
                     '    "shallot-runtime==0.3.0",\n    "flask>=3.1",\n'))},
        status=[" M .copier-answers.yml", "UU pyproject.toml"],
        locked={"demo-api": "0.1.0", "flask": "3.1.0", "shallot-runtime": "0.2.0"},
    ),
    ".env.example edited on both sides, with a .env made from it": Case(
        older={".env.example": ENV_EXAMPLE},
        newer={".env.example": ENV_EXAMPLE.replace("LOG_LEVEL=INFO\n", "LOG_LEVEL=INFO\nWEB_CONCURRENCY=2\n")},
        edits=(replace(".env.example", "HTTP_PORT=8000", "HTTP_PORT=8081"),
               replace(".env.example", "POSTGRES_PORT=5432\n", "POSTGRES_PORT=5433\nPAYMENTS_URL=https://pay.test\n"),
               write(".env", ENV_EXAMPLE.replace("HTTP_PORT=8000", "HTTP_PORT=8081") + "SECRET_KEY=ours\n")),
        exit_code=0,
        stdout=[f"{UPDATED}: 0 added, 2 changed, 0 removed, 0 renamed, 0 conflicted",
                "changed (2):", "  .copier-answers.yml", "  .env.example",
                ("note: .env.example changed and .env, which git does not track, did not: "
                 "`git diff .env.example` shows what to copy"),
                REVIEW],
        stderr=[],
        files={
            ".env.example": ENV_EXAMPLE.replace("LOG_LEVEL=INFO\n", "LOG_LEVEL=INFO\nWEB_CONCURRENCY=2\n")
            .replace("HTTP_PORT=8000", "HTTP_PORT=8081")
            .replace("POSTGRES_PORT=5432\n", "POSTGRES_PORT=5433\nPAYMENTS_URL=https://pay.test\n"),
            ".env": ENV_EXAMPLE.replace("HTTP_PORT=8000", "HTTP_PORT=8081") + "SECRET_KEY=ours\n",
        },
        status=[" M .copier-answers.yml", " M .env.example"],
    ),
    "a binary file edited on both sides": Case(
        older={"docs/logo.png": PNG},
        newer={"docs/logo.png": PNG_THEIRS},
        edits=(write("docs/logo.png", PNG_OURS),),
        exit_code=1,
        stdout=[f"{UPDATED}: 0 added, 1 changed, 0 removed, 0 renamed, 1 conflicted", *ANSWERS_CHANGED],
        stderr=[CONFLICTED.format(1), ("  docs/logo.png: a binary file changed in shallot 0.3.0 and in this project: "
                                       "this project's is kept, `git checkout --theirs docs/logo.png` takes shallot's")],
        files={"docs/logo.png": PNG_OURS},
        status=[" M .copier-answers.yml", "UU docs/logo.png"],
    ),
    "a dirty working tree": Case(
        older={"src/settings.py": SETTINGS},
        newer={"src/settings.py": SETTINGS.replace("TIMEOUT = 30", "TIMEOUT = 60")},
        edits=(),
        uncommitted=(replace("src/settings.py", "TIMEOUT = 30", "TIMEOUT = 120"), write("notes.txt", "ours\n")),
        exit_code=2,
        stdout=[],
        stderr=["shallot: error: {project} has uncommitted changes (src/settings.py, notes.txt); commit or stash them first"],
        files={"src/settings.py": SETTINGS.replace("TIMEOUT = 30", "TIMEOUT = 120"), "notes.txt": "ours\n"},
        status=[" M src/settings.py", "?? notes.txt"],
    ),
}


@dataclass(frozen=True)
class Outcome:
    result: subprocess.CompletedProcess
    project: Path


@pytest.mark.parametrize("name", CASES)
def test_update_keeps_what_the_team_wrote_and_says_what_happened(name, outcomes):
    case, outcome = CASES[name], outcomes[name]
    result, project = outcome.result, outcome.project
    expected = {"stdout": case.stdout, "stderr": [line.format(project=project) for line in case.stderr]}
    assert {"stdout": result.stdout.splitlines(), "stderr": result.stderr.splitlines()} == expected
    assert result.returncode == case.exit_code
    for path, content in case.files.items():
        assert _read(project / path) == content, path
    assert sorted(_git(project, "status", "--porcelain").splitlines()) == sorted(case.status)
    if case.locked:
        packages = tomllib.loads((project / "uv.lock").read_text())["package"]
        assert {package["name"]: package["version"] for package in packages} == case.locked


def test_a_binary_conflict_takes_the_releases_side_with_git_checkout_theirs(outcomes, tmp_path):
    project = _copy(outcomes["a binary file edited on both sides"].project, tmp_path)
    _git(project, "checkout", "--theirs", "docs/logo.png")
    assert (project / "docs" / "logo.png").read_bytes() == PNG_THEIRS


def test_a_conflicted_rename_takes_either_side_with_git_checkout(outcomes, tmp_path):
    project = _copy(outcomes["renamed and edited by the release, edited by the team in the same lines"].project, tmp_path)
    _git(project, "checkout", "--ours", "src/cli/seed.py")
    assert (project / "src" / "cli" / "seed.py").read_text() == SEED.replace("python scripts/seed.py", "make seed")
    _git(project, "checkout", "--theirs", "src/cli/seed.py")
    assert (project / "src" / "cli" / "seed.py").read_text() == SEED_MOVED


def test_every_new_file_shows_in_git_diff(outcomes):
    project = outcomes["renamed and edited by the release, edited by the team elsewhere"].project
    assert _git(project, "diff", "--name-status", "--no-renames").splitlines() == [
        "M\t.copier-answers.yml", "D\tscripts/seed.py", "A\tsrc/cli/seed.py"]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Every case: its releases, its project as the team left it, then the update (in parallel)."""
    root = tmp_path_factory.mktemp("update-cases")
    environment = _environment(root)
    locks: dict[str, str] = {}
    projects = {name: _prepare(case, root / f"case{index}", environment, locks)
                for index, (name, case) in enumerate(CASES.items())}
    results = _updates(list(projects.values()), environment, workers=max(2, os.cpu_count() or 2))
    return {name: Outcome(results[project], project) for name, project in projects.items()}


def _environment(root: Path) -> dict[str, str]:
    """A git identity, and uv (this venv's) offline, finding packages only in a folder of wheels
    made here, and locking for this Python."""
    wheels = root / "wheels"
    wheels.mkdir()
    for name, versions in WHEELS.items():
        for version in versions:
            _wheel(wheels, name, version)
    config = root / "uv.toml"
    config.write_text(f"no-index = true\nfind-links = [{str(wheels)!r}]\n")
    identity = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
                for what, value in (("NAME", "Team"), ("EMAIL", "team@example.com"))}
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    return {**os.environ, **identity, "PATH": path, "UV_CONFIG_FILE": str(config), "UV_OFFLINE": "1",
            "UV_PYTHON": sys.executable}


def _wheel(folder: Path, name: str, version: str) -> None:
    """A wheel with nothing but its metadata: what uv reads to lock."""
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    files = {f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    files[f"{info}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)


def _release_files(files: dict[str, File], environment: dict[str, str], locks: dict[str, str]) -> dict[str, File]:
    """A release's template: the shared files, FILES (by path in the project) over them, and uv.lock
    as uv locks its pyproject.toml (LOCKS keeps each lock made, by pyproject.toml)."""
    project = {".gitignore": GITIGNORE, "pyproject.toml": PYPROJECT, **files}
    pyproject = project["pyproject.toml"]
    if pyproject not in locks:
        folder = Path(tempfile.mkdtemp(prefix="lock.", dir=Path(environment["UV_CONFIG_FILE"]).parent))
        (folder / "pyproject.toml").write_text(pyproject)
        _run(["uv", "lock", "--quiet"], folder, environment)
        locks[pyproject] = (folder / "uv.lock").read_text()
    project["uv.lock"] = locks[pyproject]
    return {"copier.yml": COPIER_YML, "project/{{_copier_conf.answers_file}}.jinja": ANSWERS,
            **{f"project/{path}": content for path, content in project.items()}}


def _prepare(case: Case, folder: Path, environment: dict[str, str], locks: dict[str, str]) -> Path:
    """The case's release history, and its project at 0.2.0 with the team's edits."""
    history, project = folder / "history", folder / "demo-api"
    history.mkdir(parents=True)
    _git(history, "init", "--quiet", "--initial-branch=main")
    for release, files in (("0.2.0", case.older), ("0.3.0", case.newer)):
        _git(history, "rm", "--quiet", "-r", "--ignore-unmatch", ".")
        for path, content in _release_files(files, environment, locks).items():
            _write(history / path, content)
        _commit(history, f"shallot {release}", environment)
        _git(history, "tag", f"v{release}")
    render_release(history, Version("0.2.0"), {"project_name": "demo-api"}, project)
    answers = project / ".copier-answers.yml"  # as copier records a release taken from git
    answers.write_text(re.sub(r"^_src_path: .*$", f"_commit: v0.2.0\n_src_path: {history}", answers.read_text(),
                              flags=re.MULTILINE))
    _git(project, "init", "--quiet", "--initial-branch=main")
    _commit(project, "New project, made by shallot", environment)
    for edit in case.edits:
        edit(project, environment)
    _commit(project, "Our edits", environment)
    for edit in case.uncommitted:
        edit(project, environment)
    return project


def _copy(project: Path, folder: Path) -> Path:
    """A copy of PROJECT in FOLDER, to try a command on without changing the case's outcome."""
    return Path(shutil.copytree(project, folder / project.name, symlinks=True))


def _updates(projects: list[Path], environment: dict[str, str], workers: int) -> dict[Path, subprocess.CompletedProcess]:
    """`python -m shallot update --to 0.3.0` in each of PROJECTS, WORKERS at a time, each in a fork
    of this process, which imports shallot and copier once for all (a second of each update)."""
    for module in ("shallot.cli", "shallot.template_update", "shallot.quick_copier", "copier"):
        importlib.import_module(module)
    waiting, running, done = list(projects), {}, {}
    while waiting or running:
        while waiting and len(running) < workers:
            project = waiting.pop(0)
            running[_fork_update(project, environment)] = project
        pid = next(iter(running))  # the oldest: waiting for any child would reap others' too
        _, status = os.waitpid(pid, 0)
        project = running.pop(pid)
        done[project] = subprocess.CompletedProcess(
            ["shallot", "update"], os.waitstatus_to_exitcode(status),
            (project.parent / "stdout").read_text(), (project.parent / "stderr").read_text(),
        )
    return done


def _fork_update(project: Path, environment: dict[str, str]) -> int:
    """A child that runs `python -m shallot update` in PROJECT, its output in files beside it."""
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        os.environ.clear()
        os.environ.update({**environment, "SHALLOT_TEMPLATE_HISTORY": str(project.parent / "history")})
        with open(project.parent / "stdout", "w") as stdout, open(project.parent / "stderr", "w") as stderr:
            os.dup2(stdout.fileno(), 1)
            os.dup2(stderr.fileno(), 2)
            sys.stdout, sys.stderr = stdout, stderr
            sys.argv = ["shallot", "update", "--to", "0.3.0", "--project", str(project)]
            try:
                runpy.run_module("shallot", run_name="__main__", alter_sys=True)
                code = 0
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else 1
            finally:
                stdout.flush()
                stderr.flush()
    finally:
        os._exit(code)


def _write(path: Path, content: File) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content.text if isinstance(content, Executable) else content)
    path.chmod(0o755 if isinstance(content, Executable) else 0o644)


def _read(path: Path) -> File | None:
    if not path.exists():
        return None
    content = path.read_bytes()
    if b"\0" in content:
        return content
    return Executable(content.decode()) if os.access(path, os.X_OK) else content.decode()


def _commit(folder: Path, message: str, environment: dict[str, str]) -> None:
    _git(folder, "add", "--all")
    _run(["git", "commit", "--quiet", "--allow-empty", "-m", message], folder, environment)


def _git(folder: Path, *arguments: str) -> str:
    return _run(["git", *arguments], folder)


def _run(command: list[str], folder: Path, environment: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)}: {result.stderr}"
    return result.stdout

