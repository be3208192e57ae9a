"""For a project's tests of its jobs.

queue = FakeQueue()            # the unit of work's `jobs` in unit tests, beside the fakes:
queue.enqueue("notify", todo_id=1); queue.commit()     # the fake unit of work's commit
assert queue.enqueued == [("notify", {"todo_id": 1})]

work_off(jobs, settings.database)   # integration tests: every job due, run here, then back
"""

import asyncio
from typing import Any

from procrastinate import PsycopgConnector
from procrastinate.manager import JobManager

from shallot_runtime.jobs.app import Jobs
from shallot_runtime.jobs.tracing import JobTracing
from shallot_runtime.settings import DatabaseSettings


class FakeQueue:
    """The jobs a use case enqueued, in memory: pending until `commit`, gone on `rollback`."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, dict[str, Any]]] = []
        self.enqueued: list[tuple[str, dict[str, Any]]] = []

    def enqueue(self, task: str, /, **arguments: Any) -> int:
        self.pending.append((task, arguments))
        return len(self.enqueued) + len(self.pending)

    def commit(self) -> None:
        self.enqueued += self.pending
        self.pending = []

    def rollback(self) -> None:
        self.pending = []


def work_off(jobs: Jobs, database: DatabaseSettings) -> None:
    """Runs every job that is due, one at a time in this process, and returns once none is
    left; no maintenance window, no metrics: procrastinate's worker, as shallot-worker sets it."""
    asyncio.run(_work_off(jobs, database))


async def _work_off(jobs: Jobs, database: DatabaseSettings) -> None:
    url = database.url
    connector = PsycopgConnector(
        conninfo="",
        kwargs={
            "host": url.host,
            "port": url.port,
            "user": url.username,
            "password": url.password,
            "dbname": url.database,
        },
        min_size=1,
        max_size=2,
    )
    original = (jobs.connector, jobs.job_manager)
    jobs.connector, jobs.job_manager = connector, JobManager(connector)
    tracing = JobTracing()
    try:
        await connector.open_async()
        await jobs.run_worker_async(
            wait=False,
            listen_notify=False,
            install_signal_handlers=False,
            delete_jobs="successful",
            task_middleware=[tracing.sync, tracing.asynchronous],
        )
    finally:
        jobs.connector, jobs.job_manager = original
        await connector.close_async()
