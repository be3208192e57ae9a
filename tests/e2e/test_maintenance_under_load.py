"""Migrations in a maintenance window, proven under load on the rendered project's compose stack:
two uWSGI workers, 100,000 todos, a load that mixes reads and writes without pause, and an
expand migration (a nullable column plus an index built CONCURRENTLY) applied by `make migrate`.
Then the same with the migrator killed mid-window, and with two migrators at once."""

import re
import subprocess
import time

import pytest

from harness.docker import unique
from harness.stack import Load

pytestmark = pytest.mark.alone  # judged under load or against a clock: run with nothing beside it

TTL_SECONDS = 6


def history(stack):
    return stack.compose("run", "--rm", "-T", "migrate", "python", "manage.py", "maintenance", "history").stdout


def assert_clean_refusals(load):
    reads = load.of("read", "list")
    assert reads and all(r["status"] is not None and 200 <= r["status"] < 300 for r in reads), \
        [r for r in reads if not (r["status"] and 200 <= r["status"] < 300)][:5]
    writes = load.of("write")
    refused = [r for r in writes if r["status"] != 201]
    assert all(r["status"] == 503 and r["retry_after"] and b'"maintenance"' in r["body"] for r in refused), refused[:5]
    return writes, refused


def test_a_migration_under_load_keeps_reads_up_and_refuses_writes_cleanly(stack):
    revision = stack.add_migration("note")
    with Load(stack.base) as load:
        time.sleep(3)
        started = time.time()
        migrate = subprocess.run(["make", "-C", str(stack.project), "migrate"], env=stack.env, capture_output=True,
                                 text=True, timeout=600)
        finished = time.time()
        time.sleep(3)
    assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]
    writes, refused = assert_clean_refusals(load)
    assert refused, "the load saw no window: nothing was refused"
    last_refused = max(r["at"] for r in refused)
    first_success_after = min(r["at"] for r in writes if r["status"] == 201 and r["at"] > last_refused)
    assert first_success_after - last_refused < 1.0
    assert started <= last_refused <= finished + 1.0
    assert stack.sql("SELECT version_num FROM alembic_version") == revision
    windows = history(stack)
    assert re.search(rf"^\S.* completed .*{revision}", windows, re.MULTILINE), windows
    print(windows)
    load.report("maintenance window (make migrate)", started, finished)


def test_a_killed_migrator_leaves_the_window_within_the_ttl(stack):
    stack.add_migration("label", extra="op.execute('SELECT pg_sleep(60)')")
    name = unique("shallot-e2e-migrate")
    with Load(stack.base) as load:
        migrator = stack.migrator("python", "manage.py", "migrate", "--ttl", str(TTL_SECONDS), name=name)
        deadline = time.time() + 60
        while time.time() < deadline and not any(r["status"] == 503 for r in load.of("write")):
            time.sleep(0.1)
        assert any(r["status"] == 503 for r in load.of("write")), "the window never opened"
        subprocess.run(["docker", "kill", "--signal", "KILL", name], check=True, capture_output=True)
        killed = time.time()
        migrator.wait(60)
        deadline = killed + TTL_SECONDS + 5
        while time.time() < deadline and not any(r["status"] == 201 and r["at"] > killed for r in load.of("write")):
            time.sleep(0.1)
    assert_clean_refusals(load)
    recovered = min(r["at"] for r in load.of("write") if r["status"] == 201 and r["at"] > killed)
    assert recovered - killed <= TTL_SECONDS + 1.5, f"writes came back {recovered - killed:.1f}s after the kill"
    # The killed run's migration was rolled back with its connection; drop the file and move on.
    assert stack.sql("SELECT version_num FROM alembic_version") != stack.head
    (stack.project / "migrations/versions" / f"{stack.head}_add_label.py").unlink()
    stack.head = f"{int(stack.head) - 1:04d}"


def test_two_migrators_at_once_apply_exactly_once(stack):
    revision = stack.add_migration("tag")
    first = stack.migrator("python", "manage.py", "migrate", "--lock-wait", "120")
    second = stack.migrator("python", "manage.py", "migrate", "--lock-wait", "120")
    outputs = [process.communicate(timeout=300)[0] for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert stack.sql("SELECT version_num FROM alembic_version") == revision
    windows = stack.sql(f"SELECT count(*) FROM shallot_maintenance_history WHERE to_revision = '{revision}' "
                       "AND outcome = 'completed'")
    assert windows == "1", outputs


def test_stop_the_world_for_comparison(stack):
    """The original template's way: stop the service, migrate, start it. Measured, for the figures."""
    revision = stack.add_migration("priority")
    with Load(stack.base) as load:
        time.sleep(3)
        started = time.time()
        finished = stack.migrate_stopping_the_world(load)
        time.sleep(2)
    assert stack.sql("SELECT version_num FROM alembic_version") == revision
    load.report("stop the world (stop, migrate, start)", started, finished)
