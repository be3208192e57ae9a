"""The files a release deletes, and those the project deleted, told apart before copier merges:
copier deletes every file the new release no longer renders, even one the project changed, and
says nothing of a file the project deleted that the release changes. Both releases are rendered
with the project's answers and compared with the project's files."""

import contextlib
import io
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from shallot import git
from shallot.releases import Project
from shallot.render import release_tag


@dataclass(frozen=True)
class Deletions:
    unchanged: tuple[str, ...]  # the release deletes them, the project never changed them: they go
    changed: tuple[str, ...]  # the release deletes them, the project changed them: they stay
    kept_deleted: tuple[str, ...]  # the project deleted them, the release changes them: they stay deleted


def find_deletions(project: Project, history: Path, target: Version, image: str) -> Deletions:
    """PROJECT's files (paths relative to its folder) that moving to TARGET, pinning IMAGE,
    deletes, or that the project deleted; both releases taken from HISTORY."""
    questions = {name: value for name, value in project.answers.items() if not str(name).startswith("_")}
    with tempfile.TemporaryDirectory(prefix="shallot-update.") as scratch:
        old = render_release(history, project.release, questions, Path(scratch, "old"))
        new = render_release(history, target, {**questions, "shallot_image": image}, Path(scratch, "new"))
        return compare(project.folder, old, new)


def render_release(history: Path, release: Version, data: dict, folder: Path) -> Path:
    """RELEASE's template, taken from HISTORY, rendered with DATA into FOLDER (made here)."""
    from shallot import quick_copier  # imported here: copier is slow to import

    template = folder.with_name(f"{folder.name}.template")
    template.mkdir()
    git.extract(history, release_tag(str(release)), template)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        quick_copier.copy(template, folder, data)
    return folder


def compare(project: Path, old: Path, new: Path) -> Deletions:
    """What OLD (the project's release, rendered) holds that NEW (the next) or PROJECT lacks."""
    unchanged, changed, kept_deleted = [], [], []
    for path in _files(old):
        mine, was, becomes = project / path, old / path, new / path
        if not becomes.is_file():
            if mine.is_file():
                (unchanged if _same(mine, was) else changed).append(path)
        elif not mine.exists() and not _same(becomes, was):
            kept_deleted.append(path)
    return Deletions(tuple(unchanged), tuple(changed), tuple(kept_deleted))


def _files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def _same(one: Path, other: Path) -> bool:
    return one.read_bytes() == other.read_bytes()
