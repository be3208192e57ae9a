"""The pool gauges on a real PostgreSQL: the connections in use, summed over the app's two
engines, and those open beyond a pool's size."""

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import create_engine, text

from shallot_runtime import Operations
from shallot_runtime.testing import FixedWindows
from shallot_runtime.web.metrics import PoolMetrics
from tests.project import PROJECT_ROOT
from tests.support.postgres import shared_postgres


@pytest.fixture
def registry():
    return CollectorRegistry()


def gauges(registry) -> tuple[float | None, float | None]:
    """(connections in use, connections beyond the pool's size)."""
    return (
        registry.get_sample_value("db_pool_checked_out"),
        registry.get_sample_value("db_pool_overflow"),
    )


def test_connections_in_use_on_either_engine_are_counted_until_returned(registry):
    operations = Operations(
        shared_postgres().url(), project_root=PROJECT_ROOT, windows=FixedWindows()
    )
    try:
        PoolMetrics(registry).watch(*operations.engines)
        with operations.engine.connect() as first, operations.read_engine.connect() as second:
            first.execute(text("SELECT 1"))
            second.execute(text("SELECT 1"))
            assert gauges(registry) == (2, 0)
        assert gauges(registry) == (0, 0)
    finally:
        operations.close()


def test_connections_beyond_the_pools_size_are_overflow_until_closed(registry):
    engine = create_engine(shared_postgres().url(), pool_size=1, max_overflow=2)
    pool = engine.pool

    def as_the_pool_says(expected):
        assert gauges(registry) == expected == (pool.checkedout(), pool.overflow())

    try:
        PoolMetrics(registry).watch(engine)
        with engine.connect() as first:
            first.execute(text("SELECT 1"))
            as_the_pool_says((1, 0))
            with engine.connect() as second, engine.connect() as third:
                second.execute(text("SELECT 1"))
                third.execute(text("SELECT 1"))
                as_the_pool_says((3, 2))
            # One went back to the pool, which had room; the other was closed.
            as_the_pool_says((1, 1))
        as_the_pool_says((0, 0))  # the pool was full again: closed
        assert pool.checkedin() == 1
    finally:
        engine.dispose()
