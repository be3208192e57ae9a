"""The template's changes between two releases, merged into a project: by copier, which renders
both releases with the project's answers and applies the difference as a three-way merge,
marking what overlaps the user's own edits inline (<<<<<<< before updating ... >>>>>>> after
updating); then what copier gets wrong put right (release_diff.py tells which files), uv.lock made
again, and every file the update touched sorted by kind."""

import contextlib
import io
import warnings
from pathlib import Path

from packaging.version import Version

from shallot import git, uv
from shallot.errors import ShallotError
from shallot.migration_chain import chain_added_migrations
from shallot.moved import where_now
from shallot.release_diff import ReleaseDiff, Renders, compare, rendered
from shallot.releases import Project
from shallot.render import release_tag

CONFLICT_MARKERS = (b"<<<<<<< before updating", b">>>>>>> after updating")
# The labels of copier's conflict markers (ours, base, theirs), for the merges done here.
MARKER_LABELS = ("before updating", "last update", "after updating")
ENV_EXAMPLE = ".env.example"


def update_project(
    project: Project, template: Path, target: Version, image: str, answers: dict | None = None
) -> "Outcome":
    """Brings PROJECT (its git tree clean) to release TARGET of TEMPLATE (the image's release
    history), pinning IMAGE, with ANSWERS changed (e.g. auth); nothing is committed, and new
    files are recorded with `git add --intent-to-add`, so that `git diff` shows everything the
    update did."""
    folder = project.folder
    changed = {**(answers or {}), "shallot_image": image}
    with rendered(project, template, target, changed) as renders:
        diff = compare(folder, renders)
        ours = {path: (folder / path).read_bytes() for path in [*diff.renamed, *diff.binary]}
        merge_release(folder, template, project.release, target, changed)
        outcome = Outcome(folder, project.release, target, diff)
        outcome.keep_deleted_but_changed()
        outcome.keep_deleted()
        outcome.follow_renames(renders, ours)
        outcome.keep_binaries(renders, ours)
    outcome.relock(image)
    outcome.find_conflicts()
    outcome.sort_changes()
    outcome.chained = chain_added_migrations(folder, outcome.changes["added"])
    new = outcome.changes["added"] + [now for _, now in outcome.renamed]
    if new:
        git.run(folder, "add", "--intent-to-add", "--", *new)
    return outcome


def merge_release(project: Path, template: Path, current: Version, target: Version, answers: dict) -> None:
    """Brings PROJECT from release CURRENT to TARGET of TEMPLATE (the image's release history),
    with ANSWERS in place of the recorded ones; the project's git tree must be clean."""
    from copier import Worker  # imported here: it is slow to import, and only `update` needs it here
    from copier._template import Template  # noqa: PLC2701 - see below
    from copier.errors import CopierError
    from plumbum import ProcessExecutionError

    worker = Worker(
        src_path=str(template),
        dst_path=project,
        vcs_ref=release_tag(str(target)),
        data=answers,
        defaults=True,
        overwrite=True,
        quiet=True,
        conflict="inline",
        unsafe=True,  # the releases' own migrations (copier.yml `_migrations`) run
    )
    # The release the project was made from is the one recorded (older projects record none
    # and `_src_path` names the folder their image had), always in this image's history.
    # copier reads it from the answers file otherwise; copier's version is pinned by the image.
    previous = Template(url=str(template), ref=release_tag(str(current)))
    worker.subproject.template = previous
    worker.subproject._cleanup_hooks.append(previous._cleanup)  # noqa: SLF001
    with worker, warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            worker.run_update()
        except (CopierError, ProcessExecutionError) as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise ShallotError(f"copier could not update {project}: {reason}") from error


def has_conflict_markers(path: Path) -> bool:
    with path.open("rb") as lines:
        return any(line.rstrip() in CONFLICT_MARKERS for line in lines)


class Outcome:
    """What the update does to the project's files beyond copier's merge, and what it leaves to
    the team: the conflicts, each with what happened (path: reason), and the files followed
    where the release renamed them."""

    def __init__(self, folder: Path, current: Version, wanted: Version, diff: ReleaseDiff) -> None:
        self.folder, self.current, self.wanted, self.diff = folder, current, wanted, diff
        self.changes: dict[str, list[str]] = {}  # by kind: added, changed, removed, renamed
        self.conflicts: dict[str, str] = {}
        self.renamed: list[tuple[str, str]] = []  # (old path, new path)
        self.carried: set[str] = set()  # the old paths whose changes went to the new path
        self.gone: set[str] = set()  # paths a conflict or a rename stands for, in no other list
        self.chained: list[str] = []  # the release's migrations put after the project's own

    @property
    def kept_deleted(self) -> list[str]:
        """The files the project deleted and the release changes (or renames): they stay deleted."""
        renames = self.diff.renames
        return [f"{path} (renamed {renames[path]})" if path in renames else path for path in self.diff.kept_deleted]

    @property
    def env_example_changed(self) -> bool:
        """Whether .env.example changed while .env, made from it once and not in git, stayed."""
        changed = ENV_EXAMPLE in self.changes["changed"] or ENV_EXAMPLE in self.conflicts
        return changed and (self.folder / ".env").is_file()

    def keep_deleted_but_changed(self) -> None:
        """The project's version of files the release deletes but the project changed: copier
        deletes every file the release no longer has."""
        paths = self.diff.deleted_but_changed
        self._restore(paths)
        for path in paths:
            self.conflicts[path] = f"deleted in shallot {self.wanted}, changed in this project{self._where_now(path)}"

    def keep_deleted(self) -> None:
        """A file the project deleted stays deleted where the release renamed it too: copier
        writes the new path."""
        for path in self.diff.kept_deleted:
            if path in self.diff.renames:
                (self.folder / self.diff.renames[path]).unlink(missing_ok=True)

    def follow_renames(self, renders: Renders, ours: dict[str, bytes]) -> None:
        """The project's changes (OURS, by path) to a file the release renamed, merged into the
        new path: copier deletes the old one and writes the new one as the release has it."""
        for was, now in self.diff.renamed.items():
            base = (renders.old / was).read_bytes()
            if ours[was] == base:
                self.renamed.append((was, now))
                continue
            merged = git.merge_file(ours[was], base, (self.folder / now).read_bytes(), MARKER_LABELS)
            if merged is None:  # binary: the project's stays where it was, for the team to move
                self._restore((was,))
                self.conflicts[was] = f"renamed in shallot {self.wanted}, changed in this project; now: {now} " \
                    "(binary: not merged)"
                continue
            content, conflicted = merged
            (self.folder / now).write_bytes(content)
            if conflicted:
                git.mark_unmerged(self.folder, now, base, ours[was], (renders.new / now).read_bytes())
                self.conflicts[now] = f"renamed from {was} in shallot {self.wanted}, changed in this project"
                self.gone.add(was)
            else:
                self.renamed.append((was, now))
                self.carried.add(was)

    def keep_binaries(self, renders: Renders, ours: dict[str, bytes]) -> None:
        """The project's version (OURS, by path) of binary files both sides changed (copier
        writes the release's), recorded as a conflict whose other side `git checkout --theirs`
        takes."""
        for path in self.diff.binary:
            (self.folder / path).write_bytes(ours[path])
            git.mark_unmerged(self.folder, path, (renders.old / path).read_bytes(), ours[path],
                              (renders.new / path).read_bytes())
            self.conflicts[path] = (
                f"a binary file changed in shallot {self.wanted} and in this project: this project's is kept, "
                f"`git checkout --theirs {path}` takes shallot's"
            )

    def relock(self, image: str) -> None:
        """uv.lock for the merged pyproject.toml: kept if the merge left it consistent, else made
        again from the one committed (so that versions stay where they were); while
        pyproject.toml has markers, the one committed, for the team to lock from with IMAGE.

        Not `make lock`: it runs in the project's image, which the build refuses to make while
        uv.lock is stale, and which holds the older release's runtime until it is rebuilt."""
        lock = self.folder / "uv.lock"
        if not git.run(self.folder, "ls-tree", "--name-only", "HEAD", "--", "uv.lock").strip():
            return  # the project locks nothing (yet): the release's, if any, as merged
        lock_with = f'lock with the release\'s image: docker run --rm -v "$PWD:/work" {image} lock'
        if _marked(self.folder / "pyproject.toml"):
            self._restore(("uv.lock",))
            self.conflicts["uv.lock"] = f"this project's, as committed: once pyproject.toml is resolved, {lock_with}"
            return
        if lock.is_file() and not has_conflict_markers(lock) and _lock_is_current(self.folder):
            return
        self._restore(("uv.lock",))
        try:
            uv.run(self.folder, "lock", what="cannot lock")
        except ShallotError as error:
            self.conflicts["uv.lock"] = f"this project's, as committed ({error}): {lock_with}"

    def find_conflicts(self) -> None:
        """Files the merge left markers in (copier records them as unmerged in git's index), each
        with where the release moved what it held, if it did."""
        unmerged = git.run(self.folder, "diff", "--name-only", "--diff-filter=U", "--relative").split()
        marked = {name for name in _changed(self.folder) if _marked(self.folder / name)}
        for name in sorted(set(unmerged) | marked):
            if name in self.conflicts:
                continue
            if name in self.diff.added_by_both:
                self.conflicts[name] = f"added in shallot {self.wanted} and in this project"
            else:
                self.conflicts[name] = f"changed in shallot {self.wanted} and in this project{self._where_now(name)}"

    def sort_changes(self) -> None:
        """The update's files by kind, against the last commit; a conflicted file, or one the
        release renamed, is only that."""
        skip = set(self.conflicts) | self.gone | {path for pair in self.renamed for path in pair}
        added = git.run(self.folder, "ls-files", "--others", "--exclude-standard").splitlines()
        changes: dict[str, list[str]] = {"added": sorted(set(added) - skip), "changed": [], "removed": []}
        for line in git.run(self.folder, "diff", "--name-status", "--no-renames", "--relative", "HEAD").splitlines():
            status, _, name = line.partition("\t")
            if name not in skip:
                changes["removed" if status == "D" else "changed"].append(name)
        changes["renamed"] = [
            f"{was} -> {now}" + (", with this project's changes" if was in self.carried else "")
            for was, now in sorted(self.renamed)
        ]
        self.changes = changes

    def _restore(self, paths: tuple[str, ...]) -> None:
        if paths:
            git.run(self.folder, "checkout", "HEAD", "--", *paths)

    def _where_now(self, name: str) -> str:
        moved = where_now(name, self.current, self.wanted)
        return f"; now: {moved}" if moved else ""


def _changed(folder: Path) -> list[str]:
    return git.run(folder, "diff", "--name-only", "--relative", "HEAD").split()


def _marked(path: Path) -> bool:
    return path.is_file() and has_conflict_markers(path)


def _lock_is_current(folder: Path) -> bool:
    """Whether uv.lock satisfies pyproject.toml as merged, asked of uv without the network."""
    try:
        uv.run(folder, "lock", "--check", "--offline", what="uv.lock is not current")
    except ShallotError:
        return False
    return True
