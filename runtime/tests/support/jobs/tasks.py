"""A project's tasks, as the runtime's tests run them: each records what it did in `job_runs`,
on the database that JOBS_TEST_DATABASE_URL names (in-process workers and subprocesses alike).
"""

import os
import time

from opentelemetry import trace
from procrastinate import JobContext
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from shallot_runtime.jobs import Jobs
from shallot_runtime.settings import ServiceSettings

DATABASE_URL = "JOBS_TEST_DATABASE_URL"
READ_ONLY_QUEUE = "reports"
RUNS_TABLE = """
CREATE TABLE job_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL,
    event text NOT NULL,
    attempt integer NOT NULL,
    worker text,
    trace_id text,
    parent_span_id text
)
"""


class Settings(ServiceSettings):
    """The service's settings: POSTGRES_* from the environment."""


def make_jobs(*, every_second: bool = False) -> Jobs:
    """A project's Jobs; a test that runs two workers in one process makes one for each."""
    jobs = Jobs(read_only_queues={READ_ONLY_QUEUE})

    @jobs.task(name="record", pass_context=True)
    def record(context: JobContext, key: str) -> None:
        _record(context, key, "ran")

    @jobs.task(name="report", queue=READ_ONLY_QUEUE, pass_context=True)
    def report(context: JobContext, key: str) -> None:
        _record(context, key, "ran")

    @jobs.task(name="hold", pass_context=True)
    def hold(context: JobContext, key: str, seconds: float, first_only: bool = False) -> None:
        """Runs `seconds`; with `first_only`, only its first attempt does."""
        _record(context, key, "started")
        if not first_only or context.job.attempts == 0:
            time.sleep(seconds)
        _record(context, key, "finished")

    @jobs.task(name="read_todos", pass_context=True)
    def read_todos(context: JobContext, key: str, seconds: float) -> None:
        """Holds a lock on the todos table for `seconds`, as a job's transaction that reads does."""
        _record(context, key, "started")
        engine = create_engine(os.environ[DATABASE_URL], poolclass=NullPool)
        try:
            with engine.begin() as connection:
                connection.execute(text("SELECT count(*) FROM todos"))
                time.sleep(seconds)
        finally:
            engine.dispose()
        _record(context, key, "finished")

    @jobs.task(name="fail", retry=1)
    def fail(key: str) -> None:
        raise RuntimeError(f"{key} fails, as it is meant to")

    if every_second:

        @jobs.periodic(cron="* * * * * *")
        @jobs.task(name="tick", pass_context=True)
        def tick(context: JobContext, timestamp: int) -> None:
            _record(context, str(timestamp), "tick")

    return jobs


jobs = make_jobs()  # what `shallot-worker tests.support.jobs.tasks:jobs` runs


def _record(context: JobContext, key: str, event: str) -> None:
    span = trace.get_current_span()
    ids = span.get_span_context()
    parent = getattr(span, "parent", None)
    engine = create_engine(os.environ[DATABASE_URL], poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO job_runs (key, event, attempt, worker, trace_id, parent_span_id)"
                    " VALUES (:key, :event, :attempt, :worker, :trace_id, :parent)"
                ),
                {
                    "key": key,
                    "event": event,
                    "attempt": context.job.attempts,
                    "worker": context.worker_name,
                    "trace_id": trace.format_trace_id(ids.trace_id) if ids.is_valid else None,
                    "parent": trace.format_span_id(parent.span_id) if parent else None,
                },
            )
    finally:
        engine.dispose()
