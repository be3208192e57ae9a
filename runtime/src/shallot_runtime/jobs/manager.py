"""The worker's job manager: procrastinate's own, which fetches only what the maintenance window
allows, keeps the gate told of the jobs in hand, and counts how they end."""

import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from procrastinate import utils
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager

from shallot_runtime.jobs.gate import WorkerGate
from shallot_runtime.jobs.metrics import JobMetrics


class WorkerJobManager(JobManager):
    """procrastinate's Worker fetches, finishes and retries through `app.job_manager`'s public
    methods (checked with procrastinate 3.10.0): overriding them is how the window reaches it."""

    def __init__(self, connector: Any, gate: WorkerGate, metrics: JobMetrics) -> None:
        super().__init__(connector)
        self._gate = gate
        self._metrics = metrics
        self._started: dict[int, tuple[str, float]] = {}  # job id: its task, when it began

    async def fetch_job(self, queues: Iterable[str] | None, worker_id: int) -> Job | None:
        # The gate's queues, not the worker's: they are the worker's, less what the window
        # forbids. psycopg adapts lists (not tuples) to arrays.
        with self._gate.fetching() as fetch:
            if fetch.queues == ():
                return None
            allowed = None if fetch.queues is None else list(fetch.queues)
            job = await super().fetch_job(allowed, worker_id)
            if job is not None and job.id is not None:
                self._gate.took(job.id, job.queue)
                self._started[job.id] = (job.task_name, time.monotonic())
        return job

    async def finish_job(self, job: Job, status: Status, delete_job: bool) -> None:
        try:
            await super().finish_job(job, status, delete_job)
        finally:
            self._ended(job.id)
        counter = self._metrics.done if status is Status.SUCCEEDED else self._metrics.failed
        counter.labels(job.task_name).inc()

    async def retry_job(
        self,
        job: Job,
        retry_at: datetime | None = None,
        priority: int | None = None,
        queue: str | None = None,
        lock: str | None = None,
    ) -> None:
        """A failed job with retries left, or one whose worker was cut off (not in hand here)."""
        try:
            await super().retry_job(job, retry_at, priority, queue, lock)
        finally:
            self._ended(job.id)
        self._metrics.retried.labels(job.task_name).inc()

    async def hand_back(self, job_id: int) -> None:
        """Puts a job in hand back in its queue, to run again at once (at shutdown)."""
        task = self._started.get(job_id, ("unknown", 0.0))[0]
        try:
            await self.retry_job_by_id_async(job_id, retry_at=utils.utcnow())
        finally:
            self._ended(job_id)
        self._metrics.retried.labels(task).inc()

    def _ended(self, job_id: int | None) -> None:
        if job_id is None:
            return
        started = self._started.pop(job_id, None)
        if started is not None:
            task, began = started
            self._metrics.duration.labels(task).observe(time.monotonic() - began)
        self._gate.done(job_id)
