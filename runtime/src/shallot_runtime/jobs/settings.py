"""The worker's own settings, WORKER_* variables read once at start-up; where the database is
and how to log come from the service's settings (POSTGRES_*, LOG_LEVEL, RELOAD_ON_CHANGE).

| variable                | default | what it does                                             |
|-------------------------|---------|----------------------------------------------------------|
| WORKER_CONCURRENCY      | 1       | jobs run at once, each in a thread of its own            |
| WORKER_QUEUES           | (all)   | the queues this worker takes jobs from, comma-separated  |
| WORKER_METRICS_PORT     | 9100    | /metrics and /healthz; 0 turns them off                  |
| WORKER_SHUTDOWN_TIMEOUT | 20      | seconds a SIGTERM waits for the jobs in hand to finish;  |
|                         |         | past it they go back to their queue and the worker exits |
| WORKER_STALLED_AFTER    | 30      | seconds without a worker's heartbeat after which its     |
|                         |         | jobs are taken for cut off (SIGKILL) and run again       |
| WORKER_POLL_INTERVAL    | 1       | seconds between looks for due jobs, beside the NOTIFY    |
|                         |         | that announces each new one                              |
"""

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

HEARTBEATS_PER_STALL = 3  # a worker beats this many times within WORKER_STALLED_AFTER


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WORKER_", frozen=True, extra="ignore", env_ignore_empty=True
    )

    concurrency: int = Field(1, ge=1, le=64)
    queues: Annotated[tuple[str, ...] | None, NoDecode] = None  # None: every queue
    metrics_port: int = Field(9100, ge=0, le=65535)
    shutdown_timeout: float = Field(20.0, ge=0)
    stalled_after: float = Field(30.0, ge=1)
    poll_interval: float = Field(1.0, gt=0)

    @field_validator("queues", mode="before")
    @classmethod
    def _queue_list(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return tuple(name.strip() for name in value.split(",") if name.strip()) or None

    @property
    def heartbeat_interval(self) -> float:
        return self.stalled_after / HEARTBEATS_PER_STALL

    @property
    def stalled_check_cron(self) -> str:
        """How often a worker looks for stalled jobs: every third of WORKER_STALLED_AFTER, in
        whole seconds from 1 to 60 (croniter's sixth field is the seconds)."""
        seconds = min(60, max(1, round(self.heartbeat_interval)))
        return "* * * * *" if seconds == 60 else f"* * * * * */{seconds}"
