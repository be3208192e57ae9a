"""A supervisor event listener: when a program goes FATAL, stop supervisord.

It leaves a marker file first, so that shallot-serve can exit non-zero. Its stdout belongs to
the listener protocol; it reports on stderr.
"""

import os
import signal
import sys
import tempfile
from pathlib import Path

from supervisor import childutils

FATAL_MARKER = Path(tempfile.gettempdir()) / "supervisord-fatal"


def main() -> None:
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        if headers["eventname"] == "PROCESS_STATE_FATAL":
            program = childutils.get_headers(payload).get("processname", "?")
            FATAL_MARKER.write_text(program, encoding="utf-8")
            print(f"fatal_listener: {program} cannot stay up; stopping", file=sys.stderr)
            os.kill(os.getppid(), signal.SIGTERM)
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    main()
