"""`shallot update`: bring a project to a newer shallot release, run with that release's image."""

from pathlib import Path

import click

from shallot import __version__, git, registry
from shallot.answers import check_auth
from shallot.errors import BadInput, ShallotError
from shallot.releases import Project, image_for, known_releases, parse
from shallot.render import release_history
from shallot.template_update import Outcome, update_project

EXIT_BEHIND = 1
EXIT_CONFLICTS = 1


@click.command()
@click.option("--to", "target", metavar="X.Y.Z", help="The release to move to (default: this image's).")
@click.option("--check", is_flag=True, help="Only say whether a newer release exists: exit 0 if not, 1 if so.")
@click.option(
    "--auth",
    metavar="oidc|none",
    help="Take authentication (oidc) or drop it (none); without it the project keeps what it has.",
)
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    show_default=True,
    help="The project folder.",
)
def update(target: str | None, check: bool, auth: str | None, project: Path) -> None:
    """Bring the project to a newer shallot release: run it with that release's image.

    \b
      docker run --rm -v "$PWD:/work" REGISTRY/shallot:X.Y.Z update

    The template's changes between the project's release and this one are merged into
    the project (a three-way merge, keeping your edits); where they overlap your edits,
    the file gets conflict markers, is listed, and the exit status is 1. A file the release
    deletes goes if the project never changed it, else it stays and is listed the same way,
    with where its settings live now; a file it renames takes your edits to its new path; a
    binary file both changed keeps yours (`git checkout --theirs` takes the release's). The
    project's pinned image moves to the new release and uv.lock is made again. The project
    must be a git repository with nothing uncommitted; every file added, changed, removed or
    renamed is listed: review them with `git diff`, then commit.

    A project keeps its authentication across updates (a project made before shallot had it
    keeps an open API); --auth oidc adds it, on the same release too: deploy AUTH_ISSUER and
    AUTH_AUDIENCE, and give the callers tokens, before the callers need them.
    """
    folder = project.resolve()
    current = Project.read(folder)
    answers = {} if auth is None else {"auth": check_auth(auth)}
    recorded_auth = current.answers.get("auth", "none")
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
    if wanted == current.release and answers.get("auth", recorded_auth) == recorded_auth:
        click.echo(f"already on shallot {wanted}; nothing to do")
        return
    _check_clean(folder)
    image = image_for(current.image, current.release, wanted)
    if registry.is_pullable(image) is None:
        click.echo(f"note: {image} is private to its registry; make sure your machines can log in to pull it", err=True)
    try:
        outcome = update_project(current, template, wanted, image, answers)
    except BaseException:
        _roll_back(folder)
        raise
    done = f"updated from shallot {current.release} to {wanted}"
    if answers.get("auth", recorded_auth) != recorded_auth:
        done = f"{done} with" if wanted != current.release else f"rendered shallot {wanted} again with"
        done += f" --auth {answers['auth']}"
    _report(f"{done}, the image is now {image}", outcome)


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


def _roll_back(folder: Path) -> None:
    """The tree as it was committed: it was clean before the update began."""
    git.run(folder, "reset", "--quiet", "--hard", "HEAD")
    git.run(folder, "clean", "--quiet", "-d", "--force", "--", ".")


def _report(opening: str, outcome: Outcome) -> None:
    changes, conflicts, wanted = outcome.changes, outcome.conflicts, outcome.wanted
    counts = [f"{len(names)} {kind}" for kind, names in changes.items()] + [f"{len(conflicts)} conflicted"]
    click.echo(f"{opening}: {', '.join(counts)}")
    for kind, names in changes.items():
        _list(f"{kind} ({len(names)}):", names)
    _list(f"kept deleted ({len(outcome.kept_deleted)}): this project deleted them, shallot {wanted} changed them",
          outcome.kept_deleted)
    _list(f"after this project's migrations ({len(outcome.chained)}): the release's, renumbered and chained",
          outcome.chained)
    if outcome.env_example_changed:
        click.echo("note: .env.example changed and .env, which git does not track, did not: "
                   "`git diff .env.example` shows what to copy")
    if not conflicts:
        click.echo("review them with `git diff`, run `make test`, then commit")
        return
    _list(f"conflicted ({len(conflicts)}): resolve the <<<<<<< markers and `git add` each file; move a deleted "
          "file's changes where it says and `git rm` it; then commit:",
          [f"{name}: {reason}" for name, reason in sorted(conflicts.items())], err=True)
    raise SystemExit(EXIT_CONFLICTS)


def _list(title: str, lines, *, err: bool = False) -> None:
    if lines:
        click.echo("\n".join([title, *(f"  {line}" for line in lines)]), err=err)
