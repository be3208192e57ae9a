"""The container's command: supervisord in the foreground, exiting 1 if a program went FATAL.

supervisord itself exits 0 however it was stopped; deploy/fatal_listener.py leaves a marker
when it stops supervisord because a program could not stay up.
"""

import sys
from pathlib import Path

from fatal_listener import FATAL_MARKER
from supervisor import supervisord

CONFIG = Path(__file__).with_name("supervisord.conf")


def main() -> int:
    FATAL_MARKER.unlink(missing_ok=True)
    supervisord.main(["--configuration", str(CONFIG)])
    if FATAL_MARKER.exists():
        program = FATAL_MARKER.read_text(encoding="utf-8")
        print(f"supervise: {program} could not stay up; exiting 1", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
