"""Rendering the template with copier: into a staging folder beside the target, then one rename."""

import contextlib
import io
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from shallot import __version__
from shallot.answers import Answers
from shallot.errors import ShallotError


def template_dir() -> Path:
    """The copier template: SHALLOT_TEMPLATE in the image (a git repository of its releases, see
    image/template-history.sh), else the folder `make template` assembles in this checkout."""
    configured = os.environ.get("SHALLOT_TEMPLATE")
    candidate = Path(configured) if configured else Path(__file__).resolve().parents[4] / "build" / "template"
    if not ((candidate / "copier.yml").is_file() or is_release_history(candidate)):
        raise ShallotError(
            f"no template at {candidate} (copier.yml missing); run `make template` or set SHALLOT_TEMPLATE"
        )
    return candidate


def is_release_history(template: Path) -> bool:
    """Whether TEMPLATE is a bare git repository (the image's), rather than a plain folder."""
    return (template / "HEAD").is_file() and (template / "objects").is_dir()


def release_tag(version: str) -> str:
    return f"v{version}"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _untracked_files():
    """copier asks git, once per file it writes, whether the destination's git index needs the
    file's executable bit: a git process each, about 150 for a project. A new project's files
    are tracked by no index, so the answer is always no; copier is told git is not there for
    that question only (it still clones the template with git)."""
    import copier._main as copier_main  # noqa: PLC0415, PLC2701 - copier's version is pinned by the image

    asked = copier_main.is_git_available
    copier_main.is_git_available = lambda: False
    try:
        yield
    finally:
        copier_main.is_git_available = asked


def render(answers: Answers, target: Path, template: Path | None = None) -> None:
    """Render ANSWERS into TARGET (absent or empty). On any failure nothing is left behind."""
    from copier import run_copy  # imported here: it is slow to import and only `new` needs it

    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".shallot-new", dir=target.parent))
    try:
        os.chmod(staging, 0o777 & ~_current_umask())
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), _untracked_files():
            warnings.simplefilter("ignore")
            source = template or template_dir()
            run_copy(
                str(source),
                str(staging),
                vcs_ref=release_tag(__version__) if is_release_history(source) else None,
                data=answers.as_data(),
                defaults=True,
                overwrite=True,
                quiet=True,
            )
        if target.is_dir():
            target.rmdir()
        staging.rename(target)
    except OSError as error:
        raise ShallotError(
            f"could not write {target}: {error.strerror or error}; nothing was written"
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
