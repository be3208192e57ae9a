"""The maintenance window and its rules.

While a window is open the service refuses some requests: writes in `read-only` mode,
everything in `full` mode. A window is held on a lease: it ends by itself at `expires_at`
unless its holder renews it, so a holder that dies cannot leave the service in maintenance.
"""

import math
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from shallot_runtime.domain.errors import InvalidWindow

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REASON_MAX_LENGTH = 200
# A lease shorter than this could run out between two renewals.
MIN_LEASE = timedelta(seconds=1)


class MaintenanceMode(StrEnum):
    READ_ONLY = "read-only"  # reads are served, writes refused
    FULL = "full"  # every request refused


class Outcome(StrEnum):
    """How a window ended."""

    COMPLETED = "completed"  # its migrations were applied
    FAILED = "failed"  # a migration failed and was rolled back
    ABORTED = "aborted"  # the migrator was told to stop (SIGTERM)
    EXPIRED = "expired"  # nobody closed it; its lease ran out
    CLOSED = "closed"  # closed by hand (`maintenance off`)


@dataclass(frozen=True)
class WindowRecord:
    """A window that has ended, as the history keeps it."""

    window_id: str
    mode: MaintenanceMode
    reason: str
    holder: str
    started_at: datetime
    ended_at: datetime
    outcome: Outcome
    from_revision: str | None = None
    to_revision: str | None = None
    error: str | None = None
    propagation: timedelta | None = None  # until every app instance had seen the window
    instances: int = 0  # how many app instances were watching

    @property
    def duration(self) -> timedelta:
        return self.ended_at - self.started_at


@dataclass(frozen=True)
class MaintenanceWindow:
    id: str
    mode: MaintenanceMode
    reason: str
    holder: str
    opened_at: datetime
    expires_at: datetime
    from_revision: str | None = None
    to_revision: str | None = None

    @classmethod
    def open(
        cls,
        *,
        mode: MaintenanceMode | str,
        reason: str,
        holder: str,
        lease: timedelta,
        now: datetime,
        from_revision: str | None = None,
        to_revision: str | None = None,
    ) -> "MaintenanceWindow":
        return cls(
            id=uuid.uuid4().hex,
            mode=_mode(mode),
            reason=_clean_reason(reason),
            holder=holder,
            opened_at=now,
            expires_at=now + _checked_lease(lease),
            from_revision=from_revision,
            to_revision=to_revision,
        )

    def is_open(self, now: datetime) -> bool:
        """Open until the lease runs out; the holder keeps it open by renewing."""
        return now < self.expires_at

    def refuses(self, method: str) -> bool:
        """Whether a request with this HTTP method must wait for the window to end."""
        return self.mode is MaintenanceMode.FULL or method.upper() not in SAFE_METHODS

    @property
    def keeps_ready(self) -> bool:
        """A read-only window keeps the instance in its load balancer; a full one takes it out."""
        return self.mode is MaintenanceMode.READ_ONLY

    def retry_after(self, now: datetime) -> int:
        """Whole seconds a refused client should wait: until the lease would run out, at least 1."""
        return max(1, math.ceil((self.expires_at - now).total_seconds()))

    def describe(self) -> dict[str, str]:
        """The window as clients are told of it (in a 503's details and in /readyz)."""
        return {
            "mode": self.mode.value,
            "reason": self.reason,
            "since": self.opened_at.isoformat(),
            "lease_expires_at": self.expires_at.isoformat(),
        }

    def renewed(self, lease: timedelta, now: datetime) -> "MaintenanceWindow":
        return replace(self, expires_at=now + _checked_lease(lease))

    def ended(
        self,
        outcome: Outcome,
        now: datetime,
        *,
        error: str | None = None,
        propagation: timedelta | None = None,
        instances: int = 0,
    ) -> WindowRecord:
        return WindowRecord(
            window_id=self.id,
            mode=self.mode,
            reason=self.reason,
            holder=self.holder,
            started_at=self.opened_at,
            ended_at=now,
            outcome=outcome,
            from_revision=self.from_revision,
            to_revision=self.to_revision,
            error=error,
            propagation=propagation,
            instances=instances,
        )

    def expired(self) -> WindowRecord:
        """The record of a window nobody closed: it ended when its lease ran out."""
        return self.ended(Outcome.EXPIRED, self.expires_at, error="the lease ran out")


def _mode(mode: MaintenanceMode | str) -> MaintenanceMode:
    try:
        return MaintenanceMode(mode)
    except ValueError:
        choices = ", ".join(m.value for m in MaintenanceMode)
        raise InvalidWindow("mode", f"Mode {mode!r} is not one of {choices}.") from None


def _clean_reason(reason: str) -> str:
    cleaned = reason.strip()
    if not 1 <= len(cleaned) <= REASON_MAX_LENGTH:
        raise InvalidWindow("reason", f"Reason must be 1 to {REASON_MAX_LENGTH} characters long.")
    return cleaned


def _checked_lease(lease: timedelta) -> timedelta:
    if lease < MIN_LEASE:
        raise InvalidWindow(
            "lease",
            f"A lease of {lease.total_seconds():g}s is too short; use {MIN_LEASE} or more.",
        )
    return lease
