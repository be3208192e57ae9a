"""The container's command: supervisord in the foreground, exiting 1 if a program went FATAL.

First the settings are checked, once: a bad one stops the container here, with one line that
says which. Then uWSGI's (deploy/uwsgi.ini) are worked out from them, and nginx's configuration
is written, with the app's MAX_CONTENT_LENGTH, where supervisord's nginx reads it.

supervisord itself exits 0 however it was stopped; deploy/fatal_listener.py leaves a marker
when it stops supervisord because a program could not stay up.
"""

import os
import sys
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

from fatal_listener import FATAL_MARKER
from supervisor import supervisord

CONFIG = Path(__file__).with_name("supervisord.conf")
NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf")
NGINX_CONFIG = Path(tempfile.gettempdir()) / "nginx.conf"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Every worker writes its metrics to files here, and /metrics adds them up (prometheus_client's
# multiprocess mode). Each request writes to them: they live in memory, in the container's
# /dev/shm (a tmpfs under Docker, Compose, Swarm and Kubernetes alike), where /tmp may be on disk.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - the container's own, not a folder others share
SOMAXCONN = Path("/proc/sys/net/core/somaxconn")
MAX_LISTEN = 1024

sys.path.insert(0, str(PROJECT_ROOT))  # for src: this script runs from deploy/
from src.config import TRUE_WORDS, ConfigError, load_config  # noqa: E402


def listen_backlog() -> int:
    """As many waiting connections as the kernel allows, up to MAX_LISTEN (128 on old kernels)."""
    try:
        return min(int(SOMAXCONN.read_text(encoding="ascii")), MAX_LISTEN)
    except (OSError, ValueError):
        return 128


def metrics_dir() -> Path:
    """`metrics` in shared memory, or in the temporary folder where there is none to write to."""
    memory = SHARED_MEMORY if os.access(SHARED_MEMORY, os.W_OK) else Path(tempfile.gettempdir())
    return memory / "metrics"


def prepare_uwsgi(environ: MutableMapping[str, str]) -> int:
    """The settings deploy/uwsgi.ini reads, in ENVIRON; the max body size nginx enforces."""
    config = load_config(environ)
    environ["WEB_CONCURRENCY"] = str(config.web_concurrency)
    environ.pop("METRICS_PORT", None)
    if config.metrics_port:
        environ["METRICS_PORT"] = str(config.metrics_port)
    if environ.pop("RELOAD_ON_CHANGE", "").strip().lower() in TRUE_WORDS:
        environ["RELOAD_ON_CHANGE"] = "true"
    environ.setdefault("UWSGI_LISTEN", str(listen_backlog()))
    metrics = Path(environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir())))
    metrics.mkdir(parents=True, exist_ok=True)
    for stale in metrics.glob("*.db"):  # an earlier run's figures are not this one's
        stale.unlink()
    return config.max_content_length


def write_nginx_config(max_content_length: int) -> None:
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("@MAX_CONTENT_LENGTH@", str(max_content_length))
    NGINX_CONFIG.write_text(text, encoding="utf-8")


def main() -> int:
    FATAL_MARKER.unlink(missing_ok=True)
    try:
        max_content_length = prepare_uwsgi(os.environ)
    except ConfigError as error:
        print(f"supervise: invalid configuration: {'; '.join(error.problems)}", file=sys.stderr)
        return 1
    write_nginx_config(max_content_length)
    supervisord.main(["--configuration", str(CONFIG)])
    if FATAL_MARKER.exists():
        program = FATAL_MARKER.read_text(encoding="utf-8")
        print(f"supervise: {program} could not stay up; exiting 1", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
