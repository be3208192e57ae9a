"""What a running worker knows and may do: the window it last read, the jobs in its hands, the
fetches under way. Shared by the worker's event loop (which fetches and finishes jobs) and the
thread that reads the window and reports to the migrator; see `rules` for the rule itself."""

import threading
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.jobs import rules
from shallot_runtime.services.ports import Clock


@dataclass(frozen=True)
class Fetch:
    queues: tuple[str, ...] | None  # None: every queue; (): none, the worker is paused


class WorkerGate:
    def __init__(
        self, queues: Collection[str] | None, read_only_queues: Collection[str], clock: Clock
    ) -> None:
        self.queues = tuple(queues) if queues is not None else None
        self.read_only_queues = frozenset(read_only_queues)
        self._clock = clock
        self._lock = threading.Lock()
        self._window: MaintenanceWindow | None = None
        self._fetches: Counter[str | None] = Counter()  # by the id of the window they began in
        self._in_hand: dict[int, str] = {}  # job id: its queue
        self.changed = threading.Event()  # a job left the worker's hands, or a fetch came back

    def set_window(self, window: MaintenanceWindow | None) -> None:
        with self._lock:
            self._window = window

    def window(self) -> MaintenanceWindow | None:
        """The window in force, as last read."""
        with self._lock:
            return rules.in_force(self._window, self._clock.now())

    @contextmanager
    def fetching(self) -> Iterator[Fetch]:
        """Inside, a fetch is under way, for the queues the window in force allows; a job it
        brings must be handed to `took` before leaving."""
        with self._lock:
            window = rules.in_force(self._window, self._clock.now())
            key = window.id if window else None
            self._fetches[key] += 1
        try:
            yield Fetch(rules.allowed_queues(window, self.queues, self.read_only_queues))
        finally:
            with self._lock:
                self._fetches[key] -= 1
                if not self._fetches[key]:
                    del self._fetches[key]
            self.changed.set()

    def took(self, job_id: int, queue: str) -> None:
        with self._lock:
            self._in_hand[job_id] = queue

    def done(self, job_id: int) -> None:
        with self._lock:
            self._in_hand.pop(job_id, None)
        self.changed.set()

    def in_hand(self) -> list[int]:
        with self._lock:
            return list(self._in_hand)

    def complies(self) -> bool:
        """Whether this worker runs nothing that the window last set forbids (see `rules`)."""
        with self._lock:
            window = rules.in_force(self._window, self._clock.now())
            key = window.id if window else None
            before = any(began_in != key for began_in in self._fetches)
            return rules.complies(window, self._in_hand.values(), self.read_only_queues, before)
