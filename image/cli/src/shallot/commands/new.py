"""`shallot new NAME`: ask for the answers, check them all, then render the project."""

import sys
from functools import partial
from pathlib import Path

import click

from shallot import git
from shallot.answers import QUESTIONS, Answers, default_for, normalise_project_name
from shallot.errors import BadInput
from shallot.render import render
from shallot.workspace import Workspace


def _ask(project_name: str, given: dict, interactive: bool) -> Answers:
    """Every answer: a flag if given, else typed at a prompt (on a TTY), else the default."""
    answered: dict = {}
    for field, (prompt, rule) in QUESTIONS.items():
        if given.get(field) is not None:
            answered[field] = rule(given[field])
        elif interactive:
            answered[field] = click.prompt(
                prompt, default=default_for(field, project_name, answered), value_proc=_re_ask_on(rule)
            )
        else:
            answered[field] = rule(str(default_for(field, project_name, answered)))
    return Answers(project_name=project_name, **answered).check()


def _re_ask_on(rule):
    def process(value):
        try:
            return rule(value)
        except BadInput as error:
            raise click.BadParameter(str(error)) from None

    return process


def _next_steps(answers: Answers, repository: str) -> str:
    name = answers.project_name
    url = f"http://localhost:{answers.http_port}"
    if answers.auth == "oidc":
        first_call = [
            "  make token     # an access token from the development issuer",
            f'  curl -H "Authorization: Bearer $(make token)" {url}/v1/todos',
        ]
    else:
        first_call = [f"  curl {url}/v1/todos"]
    return "\n".join(
        [
            f"Created {name}/ ({answers.description}), {repository}.",
            "",
            "Next steps:",
            f"  cd {name}",
            f"  make up        # PostgreSQL and the service, on {url}",
            "  make migrate   # the schema, in a maintenance window",
            *first_call,
            "  make test      # the unit and integration tests",
            "  code .         # then 'Reopen in Container' for the devcontainer",
            "",
            f"Read {name}/README.md for the layout, the database, migrations and deployment.",
        ]
    )


def _make_repository(folder: Path, answers: Answers, workspace: Path) -> str:
    """The project's first commit (in FOLDER, before it takes its place in WORKSPACE: a failure
    leaves nothing), unless WORKSPACE is in a repository already (a monorepo)."""
    if not git.available():
        return "not a git repository (git is not installed)"
    enclosing = git.top_level(workspace)
    if enclosing is not None:
        return f"inside the git repository at {enclosing} (no new repository made)"
    git.first_commit(folder, answers.author_name, answers.author_email)
    return "a git repository with its first commit"


@click.command()
@click.argument("name")
@click.option("--package-name", help="Python package name (default: NAME with dashes as underscores).")
@click.option("--description", help="One-line description.")
@click.option("--author-name", help="Author name.")
@click.option("--author-email", help="Author email.")
@click.option("--http-port", help="HTTP port of the service (default 8000).")
@click.option("--postgres-port", help="Host port of the development PostgreSQL (default 5432).")
@click.option("--database-name", help="PostgreSQL database name (default: the package name).")
@click.option("--shallot-image", help="Image the project's Dockerfile builds FROM (default: this image).")
@click.option("--postgres-image", help="PostgreSQL image for development and tests.")
@click.option(
    "--auth",
    metavar="oidc|none",
    help="oidc (default): the API takes JWT access tokens from an OpenID Connect issuer; none: no authentication.",
)
@click.option("--defaults", is_flag=True, help="Take the default for every answer not given as a flag (implied without a TTY).")
@click.option("--no-git", is_flag=True, help="Do not make the project a git repository with a first commit.")
def new(name: str, defaults: bool, no_git: bool, **given) -> None:
    """Render a new onion-architecture REST API into the folder NAME.

    On a terminal it asks for each answer, offering defaults derived from NAME;
    every answer can also be given as a flag. Nothing is written unless every
    answer is valid and the whole project renders. The project becomes a git
    repository with a first commit (committed as its author unless git has an
    identity configured), unless --no-git or it is inside a repository already.
    """
    project_name = normalise_project_name(name)
    for field, value in given.items():
        if value is not None:
            QUESTIONS[field][1](value)
    workspace = Workspace.from_environment()
    workspace.check_writable(project_name)
    target = workspace.target(project_name)
    answers = _ask(project_name, given, interactive=not defaults and sys.stdin.isatty() and sys.stdout.isatty())
    workspace.target(project_name)
    repository = render(
        answers, target, finish=None if no_git else partial(_make_repository, answers=answers, workspace=target.parent)
    )
    click.echo(_next_steps(answers, repository or "not a git repository (--no-git)"))
