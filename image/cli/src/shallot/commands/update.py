"""`shallot update`: bring a project to a newer shallot release, run with that release's image."""

from pathlib import Path

import click

from shallot import __version__, git, registry, uv
from shallot.deletions import Deletions, find_deletions
from shallot.errors import BadInput, ShallotError
from shallot.moved import where_now
from shallot.releases import Project, image_for, known_releases, parse
from shallot.render import release_history
from shallot.template_update import has_conflict_markers, merge_release

EXIT_BEHIND = 1
EXIT_CONFLICTS = 1


@click.command()
@click.option("--to", "target", metavar="X.Y.Z", help="The release to move to (default: this image's).")
@click.option("--check", is_flag=True, help="Only say whether a newer release exists: exit 0 if not, 1 if so.")
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    show_default=True,
    help="The project folder.",
)
def update(target: str | None, check: bool, project: Path) -> None:
    """Bring the project to a newer shallot release: run it with that release's image.

    \b
      docker run --rm -v "$PWD:/work" REGISTRY/shallot:X.Y.Z update

    The template's changes between the project's release and this one are merged into
    the project (a three-way merge, keeping your edits); where they overlap your edits,
    the file gets conflict markers, is listed, and the exit status is 1. A file the release
    deletes goes if the project never changed it, else it stays and is listed the same way,
    with where its settings live now. The project's pinned image moves to the new release and
    uv.lock is made again. The project must be a git repository with nothing uncommitted;
    every file added, changed or removed is listed: review them with `git diff`, then commit.
    """
    folder = project.resolve()
    current = Project.read(folder)
    template = release_history()
    if template is None:
        raise ShallotError("this shallot has no release history (SHALLOT_TEMPLATE_HISTORY); run update with a shallot image")
    releases = known_releases(template)
    newest = parse(__version__)
    wanted = parse(target) if target else newest
    if check:
        _report_check(current.release, newest)
        return
    if wanted not in releases:
        known = ", ".join(map(str, releases))
        raise BadInput(f"shallot {wanted} is not a release this image knows ({known}); run the image of that release")
    if wanted < current.release:
        raise BadInput(f"{folder} is on shallot {current.release}; moving back to {wanted} is not supported")
    if wanted == current.release:
        click.echo(f"already on shallot {wanted}; nothing to do")
        return
    _check_clean(folder)
    image = image_for(current.image, current.release, wanted)
    if registry.is_pullable(image) is None:
        click.echo(f"note: {image} is private to its registry; make sure your machines can log in to pull it", err=True)
    try:
        deletions = find_deletions(current, template, wanted, image)
        merge_release(folder, template, current.release, wanted, image)
        _keep(folder, deletions.changed)
        conflicts = _conflicts(folder, current.release, wanted)
        conflicts |= _deleted_but_changed(deletions, current.release, wanted)
        conflicts |= _relock(folder, pyproject_conflicted="pyproject.toml" in conflicts)
        changes = _changes(folder, conflicts)
        _show_to_git_diff(folder, changes["added"])
    except BaseException:
        _roll_back(folder)
        raise
    opening = f"updated from shallot {current.release} to {wanted}, the image is now {image}"
    _report(opening, wanted, changes, conflicts, deletions.kept_deleted)


def _report_check(release, newest) -> None:
    if release >= newest:
        click.echo(f"up to date: shallot {release}")
        return
    click.echo(f"shallot {newest} is out (this project is on {release}): run `shallot update` with its image")
    raise SystemExit(EXIT_BEHIND)


def _check_clean(folder: Path) -> None:
    if not git.available():
        raise ShallotError("git is not installed; `shallot update` merges with git (the shallot image has it)")
    if git.top_level(folder) is None:
        raise BadInput(
            f"{folder} is not a git repository; `shallot update` merges with git: commit the project first "
            "(git init && git add -A && git commit)"
        )
    changed = git.changed_files(folder)
    if changed:
        raise BadInput(f"{folder} has uncommitted changes ({', '.join(changed[:3])}{', ...' if len(changed) > 3 else ''}); commit or stash them first")


def _keep(folder: Path, paths: tuple[str, ...]) -> None:
    """The project's own version of files the release deletes but the project changed: copier
    deletes every file the release no longer has."""
    if paths:
        git.run(folder, "checkout", "HEAD", "--", *paths)


def _conflicts(folder: Path, current, wanted) -> dict[str, str]:
    """Files the merge left markers in (copier records them as unmerged in git's index), each
    with where the release moved what it held, if it did."""
    unmerged = git.run(folder, "diff", "--name-only", "--diff-filter=U", "--relative").split()
    marked = {name for name in _changed(folder) if _marked(folder / name)}
    return {name: _where_now(name, current, wanted) for name in sorted(set(unmerged) | marked)}


def _deleted_but_changed(deletions: Deletions, current, wanted) -> dict[str, str]:
    reason = f": deleted in shallot {wanted}, changed in this project"
    return {name: reason + _where_now(name, current, wanted) for name in deletions.changed}


def _where_now(name: str, current, wanted) -> str:
    moved = where_now(name, current, wanted)
    return f"; now: {moved}" if moved else ""


def _changed(folder: Path) -> list[str]:
    return git.run(folder, "diff", "--name-only", "--relative", "HEAD").split()


def _marked(path: Path) -> bool:
    return path.is_file() and has_conflict_markers(path)


def _relock(folder: Path, pyproject_conflicted: bool) -> dict[str, str]:
    """uv.lock for the merged pyproject.toml: kept if the merge left it consistent, else made
    again from the one committed (so that versions stay where they were). Returns what is left
    to do by hand."""
    if pyproject_conflicted:
        return {"uv.lock": " (run `make lock` once pyproject.toml is resolved)"}
    lock = folder / "uv.lock"
    if lock.is_file() and not has_conflict_markers(lock) and _lock_is_current(folder):
        return {}
    git.run(folder, "checkout", "HEAD", "--", "uv.lock")
    try:
        uv.run(folder, "lock", what="cannot lock")
    except ShallotError as error:
        return {"uv.lock": f" ({error}; run `make lock`)"}
    return {}


def _lock_is_current(folder: Path) -> bool:
    """Whether uv.lock satisfies pyproject.toml as merged, asked of uv without the network."""
    try:
        uv.run(folder, "lock", "--check", "--offline", what="uv.lock is not current")
    except ShallotError:
        return False
    return True


def _roll_back(folder: Path) -> None:
    """The tree as it was committed: it was clean before the update began."""
    git.run(folder, "reset", "--quiet", "--hard", "HEAD")
    git.run(folder, "clean", "--quiet", "-d", "--force", "--", ".")


def _changes(folder: Path, conflicts: dict[str, str]) -> dict[str, list[str]]:
    """The update's files by kind, against the last commit; a conflicted file is only that."""
    added = git.run(folder, "ls-files", "--others", "--exclude-standard").splitlines()
    changes: dict[str, list[str]] = {"added": sorted(added), "changed": [], "removed": []}
    for line in git.run(folder, "diff", "--name-status", "--no-renames", "--relative", "HEAD").splitlines():
        status, _, name = line.partition("\t")
        if name not in conflicts:
            changes["removed" if status == "D" else "changed"].append(name)
    return changes


def _show_to_git_diff(folder: Path, added: list[str]) -> None:
    """New files, recorded as to be added (content not staged), so that `git diff` shows them."""
    if added:
        git.run(folder, "add", "--intent-to-add", "--", *added)


def _report(opening: str, wanted, changes: dict[str, list[str]], conflicts: dict[str, str],
            kept_deleted: tuple[str, ...]) -> None:
    counts = [f"{len(names)} {kind}" for kind, names in changes.items()] + [f"{len(conflicts)} conflicted"]
    click.echo(f"{opening}: {', '.join(counts)}")
    for kind, names in changes.items():
        _list(f"{kind} ({len(names)}):", names)
    _list(f"kept deleted ({len(kept_deleted)}): this project deleted them, shallot {wanted} changed them", kept_deleted)
    if not conflicts:
        click.echo("review them with `git diff`, run `make test`, then commit")
        return
    _list(f"conflicted ({len(conflicts)}): resolve the <<<<<<< markers and `git add` each file; move a deleted "
          "file's changes where it says and `git rm` it; then commit:",
          [f"{name}{note}" for name, note in sorted(conflicts.items())], err=True)
    raise SystemExit(EXIT_CONFLICTS)


def _list(title: str, lines, *, err: bool = False) -> None:
    if lines:
        click.echo("\n".join([title, *(f"  {line}" for line in lines)]), err=err)
