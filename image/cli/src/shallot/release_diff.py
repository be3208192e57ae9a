"""What a new release does to a project's files that copier's merge gets wrong, found before it
runs: both releases are rendered with the project's answers and held against the project's
files. copier deletes every file the new release no longer renders, even one the project
changed; says nothing of a file the project deleted that the release changes; does not follow a
file the release renamed; and writes the release's version of a binary file over the project's
when both changed it."""

import contextlib
import io
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import Version

from shallot import git
from shallot.releases import Project
from shallot.render import release_tag

# git's own test for a binary file: a NUL byte in the first 8000.
BINARY_SNIFF = 8000


@dataclass(frozen=True)
class Renders:
    """The project's release (OLD) and the new one (NEW), rendered with the project's answers."""

    old: Path
    new: Path


@dataclass(frozen=True)
class ReleaseDiff:
    deleted_but_changed: tuple[str, ...] = ()  # the release deletes them, the project changed them: they stay
    kept_deleted: tuple[str, ...] = ()  # the project deleted them, the release changes or renames them
    renames: dict[str, str] = field(default_factory=dict)  # the release's: old path to new path
    binary: tuple[str, ...] = ()  # binary files the release and the project both changed, differently
    added_by_both: tuple[str, ...] = ()  # new in the release, and already in the project, differently

    @property
    def renamed(self) -> dict[str, str]:
        """The release's renames of files the project has."""
        return {was: now for was, now in self.renames.items() if was not in self.kept_deleted}


@contextlib.contextmanager
def rendered(project: Project, history: Path, target: Version, answers: dict) -> Iterator[Renders]:
    """PROJECT's release with its answers and TARGET with ANSWERS over them, both taken from
    HISTORY, rendered into a scratch folder that lasts as long as the context."""
    questions = {name: value for name, value in project.answers.items() if not str(name).startswith("_")}
    with tempfile.TemporaryDirectory(prefix="shallot-update.") as scratch:
        old = render_release(history, project.release, questions, Path(scratch, "old"))
        new = render_release(history, target, {**questions, **answers}, Path(scratch, "new"))
        yield Renders(old, new)


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


def compare(project: Path, renders: Renders) -> ReleaseDiff:
    """What the release (RENDERS.old to RENDERS.new) does to PROJECT's files that a merge by
    copier would lose or misreport. A rename to a path the project already has is taken as a
    deletion."""
    old, new = renders.old, renders.new
    renames = {was: now for was, now in git.renames(old, new).items() if not (project / now).exists()}
    deleted_but_changed, kept_deleted, binary = [], [], []
    for path in _files(old):
        mine, was, becomes = project / path, old / path, new / renames.get(path, path)
        if not mine.exists():
            if becomes.is_file() and (path in renames or not _same(becomes, was)):
                kept_deleted.append(path)
        elif path in renames or not mine.is_file():
            continue
        elif not becomes.is_file():
            if not _same(mine, was):
                deleted_but_changed.append(path)
        elif _both_changed_binary(mine.read_bytes(), was.read_bytes(), becomes.read_bytes()):
            binary.append(path)
    added_by_both = [
        path for path in _files(new)
        if not (old / path).exists() and path not in renames.values()
        and (project / path).is_file() and not _same(project / path, new / path)
    ]
    return ReleaseDiff(tuple(deleted_but_changed), tuple(kept_deleted), renames, tuple(binary), tuple(added_by_both))


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF]


def _files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def _same(one: Path, other: Path) -> bool:
    return one.read_bytes() == other.read_bytes()


def _both_changed_binary(mine: bytes, was: bytes, becomes: bytes) -> bool:
    changed = mine != was and becomes != was and mine != becomes
    return changed and any(map(is_binary, (mine, was, becomes)))
