"""git, as `new` and `update` use it: a project's first commit, whether a tree is clean, and the
pieces of a merge `update` does itself (renames, three-way merges of a file, unmerged entries)."""

import os
import shutil
import subprocess
import tempfile
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


def _bytes_of(command: list[str], folder: Path, given: bytes | None = None, exit_codes=(0,)) -> bytes:
    """COMMAND's output in FOLDER, fed GIVEN; or, when it exits otherwise than EXIT_CODES, one
    line with its own reason."""
    result = subprocess.run(command, cwd=folder, input=given, capture_output=True, check=False)  # noqa: S603
    if result.returncode not in exit_codes:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        reason = (lines or [f"exit status {result.returncode}"])[-1]
        raise ShallotError(f"{' '.join(command[:2])} failed in {folder}: {reason.removeprefix('fatal: ')}")
    return result.stdout


def renames(old: Path, new: Path) -> dict[str, str]:
    """The files of folder OLD that folder NEW holds under another path (git's rename detection,
    as `git diff` finds them: at least half the content the same), by their path in OLD."""
    before, after = old.name, os.path.relpath(new, old.parent)
    output = _bytes_of(["git", "diff", "--no-index", "--find-renames", "--diff-filter=R", "--name-status", "-z",
                        before, after], old.parent, exit_codes=(0, 1))
    fields = output.decode().split("\0")
    return {
        was.removeprefix(f"{before}/"): now.removeprefix(f"{after}/")
        for was, now in zip(fields[1::3], fields[2::3], strict=False)
    }


def merge_file(ours: bytes, base: bytes, theirs: bytes, labels: tuple[str, str, str]) -> tuple[bytes, bool] | None:
    """OURS and THEIRS, both changed from BASE, merged as `git merge-file` does, marking what
    overlaps with LABELS (ours, base, theirs): the merge and whether it has conflicts, or None
    when git cannot merge them (a binary file)."""
    sides = {"ours": ours, "base": base, "theirs": theirs}
    marks = [option for label in labels for option in ("-L", label)]
    with tempfile.TemporaryDirectory(prefix="shallot-merge.") as scratch:
        for name, content in sides.items():
            Path(scratch, name).write_bytes(content)
        command = ["git", "merge-file", "--stdout", *marks, *sides]
        result = subprocess.run(command, cwd=scratch, capture_output=True, check=False)  # noqa: S603
    # The number of conflicts (at most 127), or 255 when git cannot merge the files.
    if not 0 <= result.returncode < 128:
        return None
    return result.stdout, result.returncode > 0


def mark_unmerged(folder: Path, path: str, base: bytes | None, ours: bytes, theirs: bytes) -> None:
    """PATH (relative to FOLDER) recorded in the index as a merge conflict, as `git merge` leaves
    one: BASE, OURS and THEIRS as its stages 1, 2 and 3, so that `git checkout --ours` or
    `--theirs` takes either side and `git add` marks it resolved."""
    mode = "100755" if os.access(folder / path, os.X_OK) else "100644"
    indexed = run(folder, "rev-parse", "--show-prefix").strip() + path  # the index's paths are the top's
    entries = [f"0 {'0' * 40}\t{indexed}"]
    for stage, content in ((1, base), (2, ours), (3, theirs)):
        if content is not None:
            blob = _bytes_of(["git", "hash-object", "-w", "--stdin"], folder, given=content).decode().strip()
            entries.append(f"{mode} {blob} {stage}\t{indexed}")
    _bytes_of(["git", "update-index", "--index-info"], folder, given="\n".join(entries).encode() + b"\n")


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
