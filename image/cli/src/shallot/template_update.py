"""The template's changes between two releases, merged into a project by copier: it renders
both releases with the project's answers and applies the difference as a three-way merge,
marking what overlaps the user's own edits inline (<<<<<<< before updating ... >>>>>>> after
updating)."""

import contextlib
import io
import warnings
from pathlib import Path

from packaging.version import Version

from shallot.errors import ShallotError
from shallot.render import release_tag

CONFLICT_MARKERS = (b"<<<<<<< before updating", b">>>>>>> after updating")


def merge_release(project: Path, template: Path, current: Version, target: Version, image: str) -> None:
    """Brings PROJECT from release CURRENT to TARGET of TEMPLATE (the image's release history),
    pinning IMAGE; the project's git tree must be clean."""
    from copier import Worker  # imported here: it is slow to import, and only `update` needs it here
    from copier._template import Template  # noqa: PLC2701 - see below
    from copier.errors import CopierError
    from plumbum import ProcessExecutionError

    worker = Worker(
        src_path=str(template),
        dst_path=project,
        vcs_ref=release_tag(str(target)),
        data={"shallot_image": image},
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
