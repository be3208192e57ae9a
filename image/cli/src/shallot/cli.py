"""The `shallot` command line: a click group, and one-line errors for every refusal."""

import gc
import sys

import click

from shallot import __version__, privileges
from shallot.commands.dependencies import add, lock, remove, sync, upgrade
from shallot.commands.destroy import destroy
from shallot.commands.generate import generate
from shallot.commands.migrate import migrate
from shallot.commands.new import new
from shallot.commands.update import update
from shallot.commands.version import version
from shallot.errors import EXIT_BAD_INPUT, ShallotError

EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shallot")
def cli() -> None:
    """shallot: render and develop onion-architecture Python REST APIs from one image.

    \b
    Inside the image, mount the folder to render into at /work:
      docker run --rm -it -v "$PWD:/work" shallot:dev new payments-api
    and, in a project's folder, with a newer release's image:
      docker run --rm -v "$PWD:/work" REGISTRY/shallot:X.Y.Z update
    """


cli.add_command(new)
cli.add_command(migrate)
cli.add_command(version)
cli.add_command(update)
cli.add_command(generate)
cli.add_command(destroy)
for command in (add, remove, lock, upgrade, sync):
    cli.add_command(command)


def _fail(message: str, code: int) -> None:
    click.echo(f"shallot: error: {message}", err=True)
    sys.exit(code)


def main() -> None:
    # A run lasts seconds and its garbage goes with its process: the cyclic collector would only
    # walk, again and again, the objects that copier's imports make (pydantic's above all); frozen
    # at the end, they are not walked once more as the interpreter shuts down (some 0.1 s).
    gc.disable()
    try:
        _run()
    finally:
        gc.freeze()


def _run() -> None:
    privileges.become_owner()
    try:
        code = cli.main(prog_name="shallot", standalone_mode=False)
    except ShallotError as error:
        _fail(str(error), error.exit_code)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "shallot"
        _fail(f"{error.format_message()} (see '{command} --help')", EXIT_BAD_INPUT)
    except OSError as error:  # a folder it may not enter or read, say: the one line still
        _fail(f"{error.filename}: {error.strerror}" if error.filename else str(error), EXIT_BAD_INPUT)
    except (click.Abort, KeyboardInterrupt, EOFError):
        _fail("interrupted; nothing was written", EXIT_INTERRUPTED)
    sys.exit(code or 0)
