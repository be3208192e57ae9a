"""git, as `new` and `update` use it: a project's first commit, and whether a tree is clean."""

import shutil
import subprocess
from pathlib import Path

from shallot.errors import ShallotError


def available() -> bool:
    return shutil.which("git") is not None


def run(folder: Path, *arguments: str) -> str:
    """`git ARGUMENTS` in FOLDER; its output, or one line with git's own reason."""
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        ["git", *arguments], cwd=folder, capture_output=True, text=True, check=False  # noqa: S607
    )
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        raise ShallotError(f"git {arguments[0]} failed in {folder}: {reason.removeprefix('fatal: ')}")
    return result.stdout


def extract(repository: Path, ref: str, folder: Path) -> None:
    """The files of REF in REPOSITORY written into FOLDER: `git archive`, unpacked by tar."""
    archive = _bytes_of(["git", "archive", ref], repository)
    _bytes_of(["tar", "-x", "-C", str(folder)], folder, given=archive)


def _bytes_of(command: list[str], folder: Path, given: bytes | None = None) -> bytes:
    """COMMAND's output in FOLDER, fed GIVEN; or one line with its own reason."""
    result = subprocess.run(command, cwd=folder, input=given, capture_output=True, check=False)  # noqa: S603
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        reason = (lines or [f"exit status {result.returncode}"])[-1]
        raise ShallotError(f"{' '.join(command[:2])} failed in {folder}: {reason.removeprefix('fatal: ')}")
    return result.stdout


def top_level(folder: Path) -> Path | None:
    """The work tree FOLDER is in, or None outside any."""
    try:
        return Path(run(folder, "rev-parse", "--show-toplevel").strip())
    except ShallotError:
        return None


def changed_files(folder: Path) -> list[str]:
    """Files modified, staged or untracked (not ignored) under FOLDER."""
    return [line[3:] for line in run(folder, "status", "--porcelain", "--", ".").splitlines()]


def first_commit(folder: Path, name: str, email: str) -> None:
    """Makes FOLDER a repository on branch main with everything in one commit. The committer is
    the one git is configured with, else NAME <EMAIL> (the project's author)."""
    run(folder, "init", "--quiet", "--initial-branch=main", "--template=")  # no sample hooks
    identity = [] if _configured(folder) else ["-c", f"user.name={name}", "-c", f"user.email={email}"]
    # Every file over a byte into one pack as it is added, rather than a file per object: on a
    # slow disk that halves the time `add` takes. Only this command's setting, not the project's.
    run(folder, "-c", "core.bigFileThreshold=1", "add", "--all")
    run(folder, *identity, "commit", "--quiet", "--no-verify", "-m", "New project, made by shallot")


def _configured(folder: Path) -> bool:
    try:
        return bool(run(folder, "config", "user.email").strip())
    except ShallotError:
        return False
