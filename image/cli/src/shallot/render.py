"""Rendering the template with copier: into a staging folder beside the target, then one rename."""

import contextlib
import io
import os
import re
import shutil
import stat
import tempfile
import warnings
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shallot import __version__, privileges
from shallot.answers import Answers
from shallot.errors import ShallotError

ANSWERS_FILE = ".copier-answers.yml"
# The container's own memory-backed folder, where a render as root writes (privileges.py).
SCRATCH = Path("/dev/shm")  # noqa: S108 - a folder of the container's, not a shared /tmp
# What `finish` (new's first commit) makes in a rendered folder.
FINISHED = (".git",)


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
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".shallot-new", dir=target.parent))
    try:
        os.chmod(staging, 0o777 & ~_current_umask())
        if privileges.kept_root() and SCRATCH.is_dir():
            finished = _render_in_scratch(answers.as_data(), template, staging, finish)
        else:
            _render_files(answers.as_data(), template, staging)
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


def _render_files(data: dict, template: Path | None, folder: Path) -> None:
    """copier's render of TEMPLATE (this release's when None) into FOLDER."""
    from shallot import quick_copier  # imported here: copier is slow to import, and only `new` needs it

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        quick_copier.copy(template or template_dir(), folder, data, compiled_template())
    history = release_history()
    if history is not None and template is None:
        _record_release(folder / ANSWERS_FILE, history)


def _render_in_scratch(data: dict, template: Path | None, folder: Path, finish) -> str | None:
    """_render_files as root (privileges.py) into a scratch folder in memory, which is then
    given to the owner: root reads the image's files faster, and writes nothing outside the
    container. FINISH runs on the scratch folder while its files are copied into FOLDER, and
    what it made there (.git) is copied after."""
    with privileges.as_root():
        scratch = Path(tempfile.mkdtemp(dir=SCRATCH))
    try:
        with privileges.as_root():
            _render_files(data, template, scratch)
            _give(scratch, os.getuid(), os.getgid())
        with ThreadPoolExecutor(max_workers=1) as background:
            finishing = background.submit(finish, scratch) if finish is not None else None
            _copy_tree(scratch, folder, skip=FINISHED)
            finished = finishing.result() if finishing is not None else None
        for entry in os.scandir(scratch):
            if entry.name in FINISHED:
                _copy(entry, folder / entry.name)
        return finished
    finally:
        with privileges.as_root():
            shutil.rmtree(scratch, ignore_errors=True)


def _give(folder: Path, uid: int, gid: int) -> None:
    """FOLDER and everything in it to UID:GID."""
    os.chown(folder, uid, gid)
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            os.chown(os.path.join(parent, name), uid, gid, follow_symlinks=False)


def _copy_tree(source: Path, folder: Path, skip: Collection[str] = ()) -> None:
    """What SOURCE holds (but the names in SKIP) into the folder FOLDER; see _copy."""
    for entry in os.scandir(source):
        if entry.name not in skip:
            _copy(entry, folder / entry.name)


def _copy(entry: os.DirEntry, copied: Path) -> None:
    """A file, folder (and what it holds) or link, with its original's mode and no other
    metadata: on a slow disk each metadata call costs as much as writing a file's content.
    Stops at the first failure."""
    mode = stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode)
    if entry.is_symlink():
        copied.symlink_to(os.readlink(entry.path))
    elif entry.is_dir():
        copied.mkdir()
        copied.chmod(mode)
        _copy_tree(Path(entry.path), copied)
    else:
        with open(entry.path, "rb") as original, open(
            os.open(copied, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb"
        ) as copy:
            os.fchmod(copy.fileno(), mode)  # what the umask took from the mode
            shutil.copyfileobj(original, copy)
