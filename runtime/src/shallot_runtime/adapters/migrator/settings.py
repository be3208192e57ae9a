"""How a migration run behaves; manage.py fills these from its options and MIGRATE_* variables."""

from dataclasses import dataclass
from datetime import timedelta

from shallot_runtime.domain.window import MaintenanceMode


@dataclass(frozen=True)
class MigratorSettings:
    mode: MaintenanceMode = MaintenanceMode.READ_ONLY
    reason: str = ""  # empty: "migrations FROM -> TO"
    lease: timedelta = timedelta(seconds=30)  # renewed every third of it while working
    lock_wait: timedelta = timedelta(seconds=30)  # for another migrator to finish
    ack_wait: timedelta = timedelta(seconds=5)  # for the app instances to see the window
    lock_timeout: timedelta = timedelta(seconds=2)  # per statement, for a table lock
    statement_timeout: timedelta = timedelta(minutes=10)  # per statement
    retries: int = 5  # after a lock timeout, with exponential backoff

    def backoff(self, attempt: int) -> float:
        """Seconds before retry number `attempt` (1, 2, ...): 0.5, 1, 2, 4... at most 10."""
        return min(0.5 * 2 ** (attempt - 1), 10.0)
