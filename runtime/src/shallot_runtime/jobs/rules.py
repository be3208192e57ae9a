"""What a worker may run during a maintenance window, the rule the web app follows for requests:

- no window (or one whose lease ran out): every job of the worker's queues;
- a read-only window: only the jobs of the queues the project declared read-only
  (`Jobs(read_only_queues=...)`), whose tasks only read the app's tables, as GET requests do;
- a full window: none.

A worker acknowledges a window (what the migrator waits for, as it does for the app's
instances) only once it runs nothing the window forbids: the jobs in hand that the window
forbids are finished first.
"""

from collections.abc import Collection, Iterable
from datetime import datetime

from shallot_runtime.domain.window import MaintenanceMode, MaintenanceWindow

ALL = None  # every queue: procrastinate's `queues=None`


def in_force(window: MaintenanceWindow | None, now: datetime) -> MaintenanceWindow | None:
    return window if window is not None and window.is_open(now) else None


def allowed_queues(
    window: MaintenanceWindow | None,
    queues: Collection[str] | None,
    read_only_queues: Collection[str],
) -> tuple[str, ...] | None:
    """The queues to take jobs from under `window` (in force), from the worker's own `queues`
    (None: all of them); None means every queue, () none."""
    if window is None:
        return ALL if queues is None else tuple(queues)
    if window.mode is MaintenanceMode.FULL:
        return ()
    mine = read_only_queues if queues is None else [q for q in queues if q in read_only_queues]
    return tuple(sorted(mine))


def complies(
    window: MaintenanceWindow | None,
    in_hand: Iterable[str],
    read_only_queues: Collection[str],
    fetching_before: bool,
) -> bool:
    """Whether a worker whose jobs in hand are of the queues `in_hand` runs nothing that
    `window` (in force) forbids. A fetch begun before the worker knew of the window
    (`fetching_before`) may bring any job: until it is back, the worker does not comply."""
    if window is None:
        return True
    if fetching_before:
        return False
    allowed = allowed_queues(window, None, read_only_queues)
    return all(queue in (allowed or ()) for queue in in_hand)
