"""The background jobs: their tasks, which a worker runs (`shallot-worker`, `make worker`).

A task calls a use case through the composition root, as a controller does; the use cases
enqueue tasks by name through their unit of work (`work.jobs`). docs/jobs.md says more.
"""

from functools import cache
from typing import TYPE_CHECKING

from procrastinate import RetryStrategy
from shallot_runtime.jobs import Jobs

from src.config import load

if TYPE_CHECKING:
    from src.dependency_container import Container

# The queues whose tasks only read the app's tables: during a read-only maintenance window a
# worker takes their jobs, and no other queue's; a full window pauses every queue.
NOTIFICATIONS = "notifications"
jobs = Jobs(read_only_queues={NOTIFICATIONS})


@cache
def container() -> "Container":
    """The worker's container, built on its first job from the same settings as the app's."""
    from src.dependency_container import build_container  # here: that module imports `jobs`

    return build_container(load())


# A failed attempt runs again after 4 s, then 16 s, 64 s, 4 min and 17 min, then stays failed.
@jobs.task(
    name="notify_todo_completed",
    queue=NOTIFICATIONS,
    retry=RetryStrategy(max_attempts=5, exponential_wait=4),
)
def notify_todo_completed(todo_id: int) -> None:
    container().todo_service.notify_completed(todo_id)


# Every day at 08:00 UTC: one job per day, however many workers run.
@jobs.periodic(cron="0 8 * * *")
@jobs.task(name="remind_open_todos", queue=NOTIFICATIONS, queueing_lock="remind_open_todos")
def remind_open_todos(timestamp: int) -> None:
    container().todo_service.remind_open()
