"""Who the CLI runs as: the workspace's owner, keeping root only to read the image's files.

The image's entrypoint starts the CLI as root with SHALLOT_OWNER="UID GID", the owner of the
workspace. become_owner() makes the process that user, as its real and effective user: what it
writes, what it checks and the programs it runs are the owner's. It keeps root as its saved
user, for one reason: on an engine whose storage driver is fuse-overlayfs, reading a file of
the image costs several times more as any user but root (a stat 60-80 us against 2-4 us), and
a render reads hundreds of them. as_root() takes root back for the render, which writes only
into a scratch folder of the container's own (see render.py).
"""

import contextlib
import os
from collections.abc import Iterator

OWNER = "SHALLOT_OWNER"


def become_owner() -> None:
    """Becomes SHALLOT_OWNER's user and group (no supplementary groups) when started as root."""
    owner = os.environ.pop(OWNER, None)
    if owner is None or os.geteuid() != 0:
        return
    uid, gid = (int(part) for part in owner.split())
    os.setgroups([])
    os.setresgid(gid, gid, 0)
    os.setresuid(uid, uid, 0)


def kept_root() -> bool:
    """Whether the process runs as another user and can take root back (become_owner)."""
    return os.geteuid() != 0 and os.getresuid()[2] == 0


@contextlib.contextmanager
def as_root() -> Iterator[None]:
    """Root as the effective user and group within, the owner's again after."""
    uid, gid = os.geteuid(), os.getegid()
    os.seteuid(0)
    os.setegid(0)
    try:
        yield
    finally:
        os.setegid(gid)
        os.seteuid(uid)
