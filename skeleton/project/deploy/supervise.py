"""The container's command: supervisord in the foreground, exiting 1 if a program went FATAL.

supervisord itself exits 0 however it was stopped; deploy/fatal_listener.py leaves a marker
when it stops supervisord because a program could not stay up. First it writes nginx's
configuration, with the app's MAX_CONTENT_LENGTH, where supervisord's nginx reads it.
"""

import sys
import tempfile
from pathlib import Path

from fatal_listener import FATAL_MARKER
from supervisor import supervisord

CONFIG = Path(__file__).with_name("supervisord.conf")
NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf")
NGINX_CONFIG = Path(tempfile.gettempdir()) / "nginx.conf"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def write_nginx_config() -> None:
    sys.path.insert(0, str(PROJECT_ROOT))  # for src: this script runs from deploy/
    from src.config import ConfigError, load_config

    try:
        limit = load_config().max_content_length
    except ConfigError:
        limit = 0  # any: gunicorn refuses to start on the same settings, and says why
    text = NGINX_TEMPLATE.read_text(encoding="utf-8").replace("@MAX_CONTENT_LENGTH@", str(limit))
    NGINX_CONFIG.write_text(text, encoding="utf-8")


def main() -> int:
    FATAL_MARKER.unlink(missing_ok=True)
    write_nginx_config()
    supervisord.main(["--configuration", str(CONFIG)])
    if FATAL_MARKER.exists():
        program = FATAL_MARKER.read_text(encoding="utf-8")
        print(f"supervise: {program} could not stay up; exiting 1", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
