"""shallot-serve: the container's command. It serves the project's WSGI app with gunicorn
behind nginx, both under supervisord in the foreground, and exits 1 if either cannot stay up.

First the settings are checked, once, with the project's own settings class: a bad one stops
the container here, with one line that says which. Then nginx's and supervisord's
configurations are written to the temporary folder from the settings.
"""

import argparse
import os
import sys
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

from supervisor import supervisord

from shallot_runtime.serving.fatal_listener import FATAL_MARKER
from shallot_runtime.settings import ConfigError, ServiceSettings, load_named_settings

HERE = Path(__file__).parent
# Every worker writes its metrics to files here, and /metrics adds them up (prometheus_client's
# multiprocess mode). Each request writes to them: they live in memory, in the container's
# /dev/shm (a tmpfs under Docker, Compose, Swarm and Kubernetes alike), where /tmp may be on disk.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - the container's own, not a folder others share
DEFAULT_PORT = 8000
METRICS_SERVER = """
    server {
        listen @METRICS_PORT@;
        location = /metrics {
            proxy_pass http://app;
        }
        location / {
            return 404;
        }
    }
"""


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="shallot-serve",
        description="Serve a WSGI app with gunicorn behind nginx, under supervisord. Settings "
        "are environment variables: PORT (default 8000), WEB_CONCURRENCY, MAX_CONTENT_LENGTH, "
        "METRICS_PORT, RELOAD_ON_CHANGE, LOG_LEVEL; GUNICORN_CMD_ARGS adds gunicorn options.",
    )
    parser.add_argument("app", nargs="?", default="src.app:app", help="MODULE:NAME (src.app:app)")
    parser.add_argument(
        "--settings",
        default="src.config:Settings",
        help="the settings class to check before starting, MODULE:NAME (src.config:Settings)",
    )
    return parser.parse_args(argv)


def metrics_dir() -> Path:
    """`metrics` in shared memory, or in the temporary folder where there is none to write to."""
    memory = SHARED_MEMORY if os.access(SHARED_MEMORY, os.W_OK) else Path(tempfile.gettempdir())
    return memory / "metrics"


def prepare_environment(
    environ: MutableMapping[str, str], settings: ServiceSettings, app: str
) -> None:
    """What gunicorn's configuration and its workers read, set from the checked settings."""
    environ["WEB_CONCURRENCY"] = str(settings.web_concurrency)
    environ["LOG_LEVEL"] = settings.log_level
    environ["SHALLOT_APP"] = app
    environ.pop("RELOAD_ON_CHANGE", None)
    if settings.reload_on_change:
        environ["RELOAD_ON_CHANGE"] = "true"
    metrics = Path(environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir())))
    metrics.mkdir(parents=True, exist_ok=True)
    for stale in metrics.glob("*.db"):  # an earlier run's figures are not this one's
        stale.unlink()


def fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    return template


def write_configurations(
    run: Path, settings: ServiceSettings, app: str, environ: MutableMapping[str, str]
) -> Path:
    """nginx's and supervisord's configurations, in `run`; the latter's path."""
    metrics_server = ""
    if settings.metrics_port:
        metrics_server = METRICS_SERVER.replace("@METRICS_PORT@", str(settings.metrics_port))
    values = {
        "RUN": str(run),
        "PROJECT": str(Path.cwd()),
        "PYTHON": sys.executable,
        # Developing, the app is loaded so that code that does not load answers 500 until fixed.
        "APP": "shallot_runtime.serving.development_app:app" if settings.reload_on_change else app,
        "PORT": environ.get("PORT", "").strip() or str(DEFAULT_PORT),
        "MAX_CONTENT_LENGTH": str(settings.max_content_length),
        "METRICS_SERVER": metrics_server,
    }
    for name in ("nginx.conf", "supervisord.conf"):
        text = fill((HERE / name).read_text(encoding="utf-8"), values)
        (run / name).write_text(text, encoding="utf-8")
    return run / "supervisord.conf"


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    sys.path.insert(0, str(Path.cwd()))  # the project's modules, as gunicorn will find them
    try:
        settings = load_named_settings(arguments.settings)
    except ConfigError as error:
        print(f"shallot-serve: {error}", file=sys.stderr)
        return 1
    run = Path(tempfile.gettempdir())
    FATAL_MARKER.unlink(missing_ok=True)
    prepare_environment(os.environ, settings, arguments.app)
    os.environ["SHALLOT_RUN_DIR"] = str(run)
    configuration = write_configurations(run, settings, arguments.app, os.environ)
    supervisord.main(["--configuration", str(configuration)])
    if FATAL_MARKER.exists():
        program = FATAL_MARKER.read_text(encoding="utf-8")
        print(f"shallot-serve: {program} could not stay up; exiting 1", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
