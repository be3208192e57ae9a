"""A migration under load, in a maintenance window (`make migrate`) and the stop-the-world way
(stop the service, migrate, start it), side by side on one compose stack: 2 uWSGI workers,
100,000 todos, 6 threads reading and writing without pause, and an expand migration (a nullable
column and an index built CONCURRENTLY) each run. Failed requests are every answer that is not
2xx, refusals (503) and connection errors alike."""

import time

from bench.stats import summary, with_baseline
from harness.docker import unique
from harness.stack import SEED_ROWS, Load, loaded_stack, quantile

QUICK_ROWS = 1_000


def measure(context) -> dict:
    settle = 1.0
    rows = QUICK_ROWS if context.quick else SEED_ROWS
    # A copy of the bench's project: its image's layers are cached already.
    with loaded_stack(context.image, context.postgres_image, context.workspace("maintenance"),
                      seed_rows=rows, project=context.project) as stack:
        window = [_in_a_window(stack, f"w{run}", settle) for run in range(context.slow_runs)]
        stopped = [_stop_the_world(stack, f"s{run}", settle) for run in range(context.slow_runs)]
    baseline = "stop the world"
    return {
        name: with_baseline(summary([run[key] for run in window], unit),
                            summary([run[key] for run in stopped], unit), baseline)
        for name, key, unit in (
            ("failed reads", "failed_reads", "requests"),
            ("failed writes", "failed_writes", "requests"),
            ("writes unavailable", "write_gap_s", "s"),
            ("read p99 during the migration", "read_p99_ms", "ms"),
            ("migration wall, container start included", "wall_s", "s"),
        )
    }


def _in_a_window(stack, column, settle):
    return _migrate_under_load(stack, column, settle, lambda load: _make_migrate(stack))


def _stop_the_world(stack, column, settle):
    return _migrate_under_load(stack, column, settle, stack.migrate_stopping_the_world)


def _make_migrate(stack):
    stack.make("migrate")
    return time.time()


def _migrate_under_load(stack, column, settle, migrate):
    """One expand migration by `migrate(load)`, which returns when it is over, under a fresh load."""
    stack.add_migration(column)
    with Load(stack.base, tag=unique("bench"), rows=stack.seed_rows) as load:
        time.sleep(settle)
        started = time.time()
        finished = migrate(load)
        time.sleep(settle)
    return _outcome(load, started, finished)


def _outcome(load, started, finished):
    reads = load.of("read", "list")
    writes = load.of("write")
    failed_writes = [r for r in writes if r["status"] != 201]
    gap = (max(r["at"] + r["seconds"] for r in failed_writes) - min(r["at"] for r in failed_writes)
           if failed_writes else 0.0)
    during = load.read_latencies(started, finished)
    return {
        "failed_reads": sum(1 for r in reads if r["status"] is None or not 200 <= r["status"] < 300),
        "failed_writes": len(failed_writes),
        "write_gap_s": round(gap, 3),
        "read_p99_ms": round((quantile(during, 0.99) or 0.0) * 1000, 1),
        "wall_s": round(finished - started, 3),
    }
