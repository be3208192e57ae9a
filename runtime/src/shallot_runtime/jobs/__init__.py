"""Background jobs on the service's own PostgreSQL (procrastinate), enqueued in the same
transaction as the write that causes them, and run by `shallot-worker`.

Declare the tasks, src/jobs.py: each calls a use case through the composition root, as a
controller does. Name each task (`name=`): the use cases enqueue it by that name.

    from functools import cache

    from shallot_runtime.jobs import Jobs

    jobs = Jobs(read_only_queues={"notifications"})   # see the window's rule below

    @cache
    def container() -> "Container":
        from src.config import load
        from src.dependency_container import build_container  # not above: it imports `jobs`
        return build_container(load())

    @jobs.task(name="notify_todo_completed", queue="notifications", retry=5)
    def notify_todo_completed(todo_id: int) -> None:
        container().todo_service.notify_completed(todo_id)

    @jobs.periodic(cron="0 3 * * *")                   # once a day, whatever the workers
    @jobs.task(name="purge_completed_todos", queueing_lock="purge_completed_todos")
    def purge_completed_todos(timestamp: int) -> None:
        container().todo_service.purge_completed()

`Jobs` is a procrastinate App: `retry`, `lock`, `queueing_lock`, `priority`, `pass_context`
and periodic tasks (a cron expression, a sixth field for seconds; each tick deferred once
however many workers run) are procrastinate's (https://procrastinate.readthedocs.io).

Enqueue from a use case through a port of the services layer, which the unit of work holds
beside its repositories:

    class JobQueue(Protocol):                          # src/services/ports.py
        def enqueue(self, task: str, /, **arguments: object) -> int:
            '''Runs `task` in a worker once the unit of work commits; never if it does not.'''

    with self._unit_of_work() as work:                 # in a use case
        todo.complete(now=self._clock.now())
        work.todos.save(todo)
        work.jobs.enqueue("notify_todo_completed", todo_id=todo.id)
        work.commit()                                  # the todo and its job, or neither

The adapter is the runtime's: the unit of work enqueues on its own connection, in its
transaction (`Jobs.queue(connection)`, a `TransactionalQueue`), and the composition root hands
it `jobs`:

    self.jobs = self._jobs.queue(self._connection)     # SqlAlchemyUnitOfWork.__enter__

Arguments are JSON. The job carries the request's trace: its span in the worker is a child of
the request's. Unit tests use `testing.FakeQueue`; integration tests run the jobs due with
`testing.work_off(jobs, settings.database)`.

Create the job schema with a migration of the project's own (see `schema`):

    op.execute(schema.create_sql("3.10.0"))

Run the worker: `shallot-worker` (default `src.jobs:jobs`, settings `src.config:Settings`), the
same image as the service with another command. Its settings are WORKER_* variables (see
`settings`: concurrency, queues, WORKER_METRICS_PORT 9100 for /metrics and /healthz, the
shutdown timeout, the stall timeout); with RELOAD_ON_CHANGE it restarts when src/ changes.
On SIGTERM it takes no more jobs and gives those in hand WORKER_SHUTDOWN_TIMEOUT (20 s; the
orchestrator's grace period must be longer) to finish; past it they go back to their queue and
the worker exits. A job cut off by SIGKILL runs again once its worker has been silent for
WORKER_STALLED_AFTER (30 s). So a job may run more than once, never zero times: make each
task safe to run again. A job that succeeds leaves the queue; one that failed stays there.

Maintenance windows (the rule in `rules`): a full window pauses every worker; a read-only
one leaves them only the jobs of the `read_only_queues` (tasks that only read the app's
tables, as GET requests do; none by default). A worker reports to the migrator as the app's
instances do, and acknowledges a window only once the jobs in its hands that the window
forbids have finished: the migrator waits for that (MIGRATE_ACK_WAIT), then migrates, its
statements waiting at most MIGRATE_LOCK_TIMEOUT for any lock a longer job still holds.
"""

from shallot_runtime.jobs import schema
from shallot_runtime.jobs.app import Jobs, TransactionalQueue, UnknownTask

__all__ = ["Jobs", "TransactionalQueue", "UnknownTask", "schema"]
