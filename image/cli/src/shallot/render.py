"""Rendering the template with copier: into a staging folder beside the target, then one rename."""

import contextlib
import io
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

from shallot import __version__
from shallot.answers import Answers
from shallot.errors import ShallotError

ANSWERS_FILE = ".copier-answers.yml"


def template_dir() -> Path:
    """The copier template: SHALLOT_TEMPLATE in the image (this release's, checked out from the
    release history), else the folder `make template` assembles in this checkout."""
    configured = os.environ.get("SHALLOT_TEMPLATE")
    candidate = Path(configured) if configured else Path(__file__).resolve().parents[4] / "build" / "template"
    if not (candidate / "copier.yml").is_file():
        raise ShallotError(
            f"no template at {candidate} (copier.yml missing); run `make template` or set SHALLOT_TEMPLATE"
        )
    return candidate


def compiled_template() -> Path | None:
    """The template's files as the image compiled them (quick_copier.compile_template)."""
    configured = os.environ.get("SHALLOT_TEMPLATE_COMPILED")
    return Path(configured) if configured else None


def release_history() -> Path | None:
    """The image's git repository of the template's releases (image/template-history.sh)."""
    configured = os.environ.get("SHALLOT_TEMPLATE_HISTORY")
    return Path(configured) if configured else None


def release_tag(version: str) -> str:
    return f"v{version}"


def _record_release(answers_file: Path, history: Path) -> None:
    """The answers name the release they were rendered from, as copier records a template taken
    from git: `_commit` its tag, `_src_path` the history (the template is that tag's tree)."""
    text = answers_file.read_text(encoding="utf-8")
    recorded = f"_commit: {release_tag(__version__)}\n_src_path: {history}"
    answers_file.write_text(re.sub(r"^_src_path: .*$", recorded, text, count=1, flags=re.MULTILINE), encoding="utf-8")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def render(answers: Answers, target: Path, template: Path | None = None, finish=None) -> str | None:
    """Render ANSWERS into TARGET (absent or empty), calling FINISH(folder) on the rendered folder
    before it takes TARGET's place; returns what FINISH returns. On any failure nothing is left
    behind."""
    from shallot import quick_copier  # imported here: copier is slow to import, and only `new` needs it

    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".shallot-new", dir=target.parent))
    try:
        os.chmod(staging, 0o777 & ~_current_umask())
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            quick_copier.copy(template or template_dir(), staging, answers.as_data(), compiled_template())
        history = release_history()
        if history is not None and template is None:
            _record_release(staging / ANSWERS_FILE, history)
        finished = finish(staging) if finish is not None else None
        if target.is_dir():
            target.rmdir()
        staging.rename(target)
        return finished
    except OSError as error:
        raise ShallotError(
            f"could not write {target}: {error.strerror or error}; nothing was written"
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
