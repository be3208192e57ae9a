"""Keeping the window open while the migrator works: its lease is renewed every third of it,
from a thread with its own connection. If the migrator dies, renewals stop, and the window
ends by itself when the lease runs out."""

import logging
import threading
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.services.windows import MaintenanceService

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0  # after a renewal that failed


class LeaseKeeper:
    def __init__(
        self, maintenance: MaintenanceService, window: MaintenanceWindow, lease: timedelta
    ) -> None:
        self._maintenance = maintenance
        self._lease = lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
        self.window = window

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        interval = self._lease.total_seconds() / 3
        wait = interval
        while not self._stop.wait(wait):
            try:
                renewed = self._maintenance.renew(self.window, self._lease)
            except SQLAlchemyError as error:
                logger.warning("migrate: could not renew the window's lease (%s)", error)
                wait = min(RETRY_SECONDS, interval)
                continue
            if renewed is None:
                logger.warning(
                    "migrate: the window was closed by someone else (maintenance off?);"
                    " the migrations go on without it"
                )
                return
            self.window = renewed
            wait = interval
