"""gunicorn's settings under shallot-serve, read by gunicorn in its master process.

WEB_CONCURRENCY processes of THREADS threads each (gthread), on a unix socket that only the
nginx beside it talks to, in HTTP/1.1 on kept connections. GUNICORN_CMD_ARGS, which gunicorn reads
itself, overrides any of them. shallot-serve has checked the settings and set what is read
here.
"""

import gc
import os
import signal
import sys
import threading
import time
from pathlib import Path

# The packages every worker's app is built on, imported once here in the master: each worker
# (at start, and whenever a reload replaces one) has them already, and imports only the
# project's own modules.
import flask  # noqa: F401
import flask_smorest  # noqa: F401
import psycopg2  # noqa: F401
import sqlalchemy.orm  # noqa: F401
from gunicorn import glogging

import shallot_runtime.web  # noqa: F401
from shallot_runtime.code_changes import code_versions
from shallot_runtime.web.json_logs import JsonFormatter, configure_logging
from shallot_runtime.web.tracing import start_tracing

RUN = Path(os.environ.get("SHALLOT_RUN_DIR", "/tmp"))  # noqa: S108 - the container's own
THREADS = 2
RELOAD_POLL_SECONDS = 0.2

bind = [f"unix:{RUN}/gunicorn.sock"]
# gunicornc's socket, beside the other (gunicorn's default is in $HOME, read-only in the image).
control_socket = str(RUN / "gunicorn.ctl")
keepalive = 5  # nginx closes its idle connections sooner (4 s), so it never reuses a closed one
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_class = "gthread"
threads = THREADS
# nginx bounds the request line and the headers (8 KiB each, a 414 in the app's shape past
# it): gunicorn's own, smaller limits would answer with an HTML page of its own.
limit_request_line = 0
limit_request_field_size = 0
limit_request_fields = 32768
# A worker silent for this long is killed and replaced; on TERM, requests get this long.
timeout = 30
graceful_timeout = 30


class JsonErrorLog(glogging.Logger):
    """gunicorn's own lines on stderr, in JSON like the app's. No access lines: nginx writes
    them, and gunicorn builds none while neither an access log nor a logging configuration is
    set (a logconfig_dict would make it build and drop one per request)."""

    def setup(self, cfg: object) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())


logger_class = JsonErrorLog

# The workers' heartbeat files, in memory where there is shared memory, not on disk.
worker_tmp_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # noqa: S108


def post_fork(server: object, worker: object) -> None:
    """Each worker logs in JSON and starts its own span exporter (a thread does not fork)."""
    configure_logging(os.environ.get("LOG_LEVEL", "INFO").upper())
    start_tracing()


def post_worker_init(worker: object) -> None:
    """What the worker holds once its app is loaded (modules, routes, schemas, the engine) lives
    as long as it does: frozen, the garbage collector's full passes no longer walk it, and a
    request is not held up for tens of milliseconds while one does."""
    gc.freeze()


def when_ready(server: object) -> None:
    if os.environ.get("RELOAD_ON_CHANGE") == "true":
        code = Path.cwd() / "src"
        threading.Thread(target=_reload_on_change, args=(code,), daemon=True).start()


def _reload_on_change(code: Path) -> None:
    """Development: a graceful reload (HUP: new workers on the code as it is, the old ones
    finish their requests) as soon as a Python file under `code` is saved, added or removed."""
    seen = code_versions(code)
    while True:
        time.sleep(RELOAD_POLL_SECONDS)
        current = code_versions(code)
        if current != seen:
            seen = current
            print(f"code changed under {code}; reloading the workers", file=sys.stderr, flush=True)
            os.kill(os.getpid(), signal.SIGHUP)
