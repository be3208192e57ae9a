"""The pool gauges on a real PostgreSQL: the connections in use, summed over the app's engines."""

from prometheus_client import CollectorRegistry
from sqlalchemy import create_engine, text

from src.infrastructure.pool_metrics import PoolMetrics
from tests.support.database import DatabaseTestCase


class PoolMetricsTest(DatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.other = create_engine(self.engine.url)
        self.addCleanup(self.other.dispose)
        self.registry = CollectorRegistry()
        PoolMetrics(self.registry).watch(self.engine, self.other)

    def checked_out(self) -> float | None:
        return self.registry.get_sample_value("db_pool_checked_out")

    def test_connections_in_use_on_either_engine_are_counted_until_returned(self):
        with self.engine.connect() as first, self.other.connect() as second:
            first.execute(text("SELECT 1"))
            second.execute(text("SELECT 1"))
            self.assertEqual(self.checked_out(), 2)
        self.assertEqual(self.checked_out(), 0)
        self.assertEqual(self.registry.get_sample_value("db_pool_overflow"), 0)
