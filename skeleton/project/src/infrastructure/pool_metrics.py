"""The database connection pool as Prometheus gauges, summed over the live workers."""

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool


class PoolMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.checked_out = Gauge(
            "db_pool_checked_out",
            "Connections in use",
            registry=registry,
            multiprocess_mode="livesum",  # a worker that died takes its own with it
        )
        self.overflow = Gauge(
            "db_pool_overflow",
            "Connections open beyond the pool's size",
            registry=registry,
            multiprocess_mode="livesum",
        )

    def watch(self, engine: Engine) -> None:
        """Updates the gauges at each checkout and checkin of the engine's pool (a QueuePool)."""
        pool = engine.pool
        if not isinstance(pool, QueuePool):
            return

        def update(returning: int) -> None:
            # The checkin event comes just before the connection is back; a connection that
            # comes back to a full pool is closed, and the overflow shrinks instead.
            closing = returning if pool.checkedin() >= pool.size() else 0
            self.checked_out.set(pool.checkedout() - returning)
            self.overflow.set(max(pool.overflow() - closing, 0))

        event.listen(pool, "checkout", lambda *_: update(returning=0))
        event.listen(pool, "checkin", lambda *_: update(returning=1))
