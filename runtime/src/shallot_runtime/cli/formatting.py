"""How windows, records and durations read in a terminal."""

from datetime import datetime, timedelta

from shallot_runtime.adapters.postgres.store import NO_LIVE_INSTANCE
from shallot_runtime.domain.window import MaintenanceWindow, WindowRecord
from shallot_runtime.services.ports import Acknowledgements


def moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def duration(value: timedelta) -> str:
    seconds = value.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def revisions(from_revision: str | None, to_revision: str | None) -> str:
    if from_revision is None and to_revision is None:
        return "-"
    return f"{from_revision or 'base'} -> {to_revision or '?'}"


def acknowledgements(seen: Acknowledgements, window: MaintenanceWindow | None = None) -> str:
    if not seen.instances:
        return NO_LIVE_INSTANCE
    if not seen.waiting_for:
        if window is not None and seen.last_seen_at is not None:
            delay = (seen.last_seen_at - window.opened_at).total_seconds() * 1000
            return f"{len(seen.instances)} live, all have seen it, within {delay:.0f} ms"
        return f"{len(seen.instances)} live, all have seen it"
    waiting = ", ".join(seen.waiting_for)
    return f"{len(seen.instances)} live, {len(seen.waiting_for)} not yet: {waiting}"


def open_window(window: MaintenanceWindow, now: datetime) -> list[str]:
    return [
        f"open: {window.mode.value}, for {duration(now - window.opened_at)};"
        f" lease until {moment(window.expires_at)} ({duration(window.expires_at - now)} left)",
        f"  reason:     {window.reason}",
        f"  holder:     {window.holder}",
        f"  revisions:  {revisions(window.from_revision, window.to_revision)}",
    ]


HISTORY_HEADER = (
    f"{'ENDED':<24} {'OUTCOME':<10} {'MODE':<10} {'DURATION':<9} {'SEEN BY':<16} "
    f"{'REVISIONS':<16} REASON"
)


def history_line(record: WindowRecord) -> list[str]:
    if record.propagation is not None:
        seen = f"{record.instances} in {record.propagation.total_seconds() * 1000:.0f} ms"
    else:
        seen = f"{record.instances} instances" if record.instances else "-"
    line = (
        f"{moment(record.ended_at):<24} {record.outcome.value:<10} {record.mode.value:<10} "
        f"{duration(record.duration):<9} {seen:<16} "
        f"{revisions(record.from_revision, record.to_revision):<16} {record.reason}"
    )
    errors = record.error.splitlines() if record.error else []
    return [line, *(f"{'':<24} {text}" for text in errors)]
