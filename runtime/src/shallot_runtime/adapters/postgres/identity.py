"""Names of the processes that take part in maintenance: window holders and app instances."""

import getpass
import os
import socket


def holder_name(kind: str) -> str:
    """E.g. `migrate:app@4f2c1d:17`: who holds a window, for `maintenance status` to show."""
    return f"{kind}:{_user()}@{socket.gethostname()}:{os.getpid()}"


def instance_name() -> str:
    """This app process, e.g. `4f2c1d:23` (the container's host name and the pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a uid with no name, e.g. `docker run --user 1234`
        return str(os.getuid())
