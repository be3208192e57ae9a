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

    def watch(self, *engines: Engine) -> None:
        """Updates the gauges at each checkout and checkin of the engines' pools (QueuePools),
        to their sums."""
        pools = [engine.pool for engine in engines if isinstance(engine.pool, QueuePool)]

        def update(returned_to: QueuePool | None) -> None:
            # The checkin event comes just before the connection is back; a connection that
            # comes back to a full pool is closed, and the overflow shrinks instead.
            checked_out = overflow = 0
            for pool in pools:
                returning = int(pool is returned_to)
                closing = returning if pool.checkedin() >= pool.size() else 0
                checked_out += pool.checkedout() - returning
                overflow += max(pool.overflow() - closing, 0)
            self.checked_out.set(checked_out)
            self.overflow.set(overflow)

        for pool in pools:
            event.listen(pool, "checkout", lambda *_: update(returned_to=None))
            event.listen(pool, "checkin", lambda *_, pool=pool: update(returned_to=pool))
