"""shallot-worker: the worker container's command. It runs the project's background jobs, on the
database of the service's settings, until SIGTERM.

    shallot-worker                       # the tasks of src.jobs:jobs, settings src.config:Settings
    shallot-worker src.jobs:jobs --settings src.config:Settings

The service's settings are checked first, with the project's own class (what the database
needs of them); the worker's own are WORKER_* variables (`settings`). With RELOAD_ON_CHANGE, a
new worker replaces the old one whenever a file under src/ changes (`reload`). Logs are JSON
lines on stdout, as the service's; traces follow the OTEL_* variables, as the service's.
"""

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from shallot_runtime.jobs.app import Jobs
from shallot_runtime.jobs.logs import install_log_filters
from shallot_runtime.jobs.reload import CHILD, Reloader
from shallot_runtime.jobs.settings import WorkerSettings
from shallot_runtime.jobs.worker import JobWorker
from shallot_runtime.settings import ConfigError, ServiceSettings, load_named_settings
from shallot_runtime.web.json_logs import configure_logging
from shallot_runtime.web.tracing import start_tracing

logger = logging.getLogger(__name__)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="shallot-worker",
        description="Run the project's background jobs until SIGTERM. Settings are environment"
        " variables: POSTGRES_*, LOG_LEVEL, RELOAD_ON_CHANGE, OTEL_*, and WORKER_CONCURRENCY,"
        " WORKER_QUEUES, WORKER_METRICS_PORT, WORKER_SHUTDOWN_TIMEOUT, WORKER_STALLED_AFTER,"
        " WORKER_POLL_INTERVAL.",
    )
    parser.add_argument(
        "jobs", nargs="?", default="src.jobs:jobs", help="the Jobs, MODULE:NAME (src.jobs:jobs)"
    )
    parser.add_argument(
        "--settings",
        default="src.config:Settings",
        help="the settings class to read and check, MODULE:NAME (src.config:Settings)",
    )
    return parser.parse_args(argv)


def import_object(target: str) -> object:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name or "jobs")


def read_settings(target: str) -> tuple[ServiceSettings, WorkerSettings]:
    """The service's settings (what the database needs) and the worker's, or ConfigError."""
    settings = load_named_settings(target, database_only=True)
    try:
        return settings, WorkerSettings()
    except ValidationError as error:
        raise ConfigError(
            [
                f"WORKER_{str(each['loc'][0]).upper()}={each['input']!r}: {each['msg']}."
                for each in error.errors()
            ]
        ) from None


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    sys.path.insert(0, str(Path.cwd()))  # the project's modules
    try:
        settings, worker_settings = read_settings(arguments.settings)
    except ConfigError as error:
        return _refuse(str(error))
    configure_logging(settings.log_level)
    install_log_filters()
    if settings.reload_on_change and not os.environ.get(CHILD):
        command = [sys.executable, "-m", "shallot_runtime.jobs.cli", *(argv or sys.argv[1:])]
        return Reloader(command, Path.cwd() / "src", worker_settings.shutdown_timeout).run()
    start_tracing()
    jobs = import_object(arguments.jobs)
    if not isinstance(jobs, Jobs):
        return _refuse(f"{arguments.jobs} is {jobs!r}, not a shallot_runtime.jobs.Jobs")
    worker = JobWorker(jobs, worker_settings, settings.database, on_abandon=_exit_now)
    worker.run(handle_signals=True)
    return 0


def _refuse(problem: str) -> int:
    sys.stderr.write(f"shallot-worker: {problem}\n")
    return 1


def _exit_now() -> None:
    """The jobs that outlived the shutdown timeout were handed back; their threads cannot be
    stopped, so the process ends here, without waiting for them."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
