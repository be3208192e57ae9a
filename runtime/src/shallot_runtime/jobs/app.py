"""`Jobs`: the project's procrastinate App, and its jobs enqueued in a unit of work's transaction.

A `Jobs` is a procrastinate `App` (https://procrastinate.readthedocs.io): tasks are declared on
it with `@jobs.task(...)` and `@jobs.periodic(cron=...)`, as procrastinate documents them.
What it adds: `queue(session)`, which enqueues on the session's own connection, inside its
transaction; the queues whose tasks only read (`read_only_queues`, the maintenance window's
rule in `shallot_runtime.jobs.rules`); and a task of its own that puts back in their queue the
jobs of a worker that stopped beating (killed), which `shallot-worker` runs periodically.

The app needs no connection of its own: the web app enqueues on its sessions', and
`shallot-worker` opens the app on the database for the time it runs.
"""

import logging
from collections.abc import Iterable
from typing import Any

from procrastinate import App, JobContext
from procrastinate.contrib.sqlalchemy import SQLAlchemyPsycopg2Connector
from procrastinate.jobs import JobDeferrer
from procrastinate.manager import JobManager
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from shallot_runtime.jobs.tracing import TRACE_ARGUMENT, current_context

logger = logging.getLogger(__name__)

# shallot's own tasks' queue: every worker takes it, whatever WORKER_QUEUES says.
SHALLOT_QUEUE = "shallot"
RETRY_STALLED = "shallot:retry_stalled_jobs"
STALLED_AFTER = "stalled_after"  # the worker's setting, in each job's additional context


class UnknownTask(LookupError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(n for n in known if not n.startswith(("builtin:", "shallot:"))))
        super().__init__(
            f"no task is named {name!r} (the tasks: {names or 'none'}); name it as it is"
            " declared, @jobs.task(name=...)"
        )


class Jobs(App):
    def __init__(
        self, *, read_only_queues: Iterable[str] = (), import_paths: Iterable[str] | None = None
    ) -> None:
        """`read_only_queues`: the queues whose tasks only read the app's tables; during a
        read-only window a worker takes their jobs, and no other. `import_paths`: modules that
        declare tasks, for a `Jobs` made before them (procrastinate's own parameter)."""
        # Never opened: it only runs statements on connections it is given (a session's).
        super().__init__(connector=SQLAlchemyPsycopg2Connector(), import_paths=import_paths)
        self.read_only_queues = frozenset(read_only_queues)
        # The worker replaces the app's job manager while it runs; this one stays.
        self._in_transaction = JobManager(self.connector)
        self.task(
            name=RETRY_STALLED, queue=SHALLOT_QUEUE, pass_context=True, queueing_lock=RETRY_STALLED
        )(retry_stalled_jobs)

    def queue(self, transaction: Session | Connection) -> "TransactionalQueue":
        """Enqueues in the transaction of `transaction`: the unit of work's connection (or its
        ORM session)."""
        return TransactionalQueue(self, transaction)

    def find(self, name: str) -> Any:
        """The task of that name, or UnknownTask."""
        self.perform_import_paths()
        try:
            return self.tasks[name]
        except KeyError:
            raise UnknownTask(name, self.tasks) from None


class TransactionalQueue:
    """Jobs deferred on the unit of work's connection, in its transaction: they exist once it
    commits, and never if it rolls back. Each carries the current trace context."""

    def __init__(self, jobs: Jobs, transaction: Session | Connection) -> None:
        self._jobs = jobs
        self._transaction = transaction

    def enqueue(self, task: str, /, **arguments: Any) -> int:
        """Defers a job of `task` (its name) with these JSON-serialisable arguments, with the
        task's own defaults (queue, lock, priority); returns the job's id."""
        job = self._jobs.find(task).configure().job
        carrier = current_context()
        if carrier:
            arguments = {**arguments, TRACE_ARGUMENT: carrier}
        connection = (
            self._transaction.connection()
            if isinstance(self._transaction, Session)
            else self._transaction
        )
        # procrastinate's documented way to defer within a transaction of one's own
        # (`configure(connection=...)`), on a job manager that stays on the SQLAlchemy connector.
        deferrer = JobDeferrer(
            job_manager=self._jobs._in_transaction, job=job, connection=connection
        )
        return deferrer.defer(**arguments)


async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Puts back in their queue the jobs of workers that stopped beating: a worker killed
    (SIGKILL, out of memory, its node gone) in the middle of them."""
    seconds = float(context.additional_context.get(STALLED_AFTER, 30))
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=seconds):
        logger.warning(
            "job %s (%s) was cut off: its worker has not beaten for %gs; it runs again",
            job.id,
            job.task_name,
            seconds,
        )
        await manager.retry_job(job)
