"""Migrations in a maintenance window, proven under load on the rendered project's compose stack:
two gunicorn workers, 100,000 todos, a load that mixes reads and writes without pause, and an
expand migration (a nullable column plus an index built CONCURRENTLY) applied by `make migrate`.
Then the same with the migrator killed mid-window, and with two migrators at once."""

import http.client
import os
import random
import re
import subprocess
import threading
import time

import pytest

from tests.e2e.conftest import docker_run
from tests.e2e.docker_helpers import compose_command, free_port, unique

SEED_ROWS = 100_000
LOAD_THREADS = 6
TTL_SECONDS = 6

EXPAND_MIGRATION = '''"""Expand: a nullable note on todos, and its index built without locking writes."""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("todos", sa.Column("{column}", sa.Text(), nullable=True))
    with op.get_context().autocommit_block():
        op.create_index("ix_todos_{column}", "todos", ["{column}"], postgresql_concurrently=True)
    {extra}


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index("ix_todos_{column}", table_name="todos", postgresql_concurrently=True)
    op.drop_column("todos", "{column}")
'''


class Stack:
    def __init__(self, project, env):
        self.project, self.env = project, env
        self.base = f"http://127.0.0.1:{env['HTTP_PORT']}"
        self.head = "0001"

    def make(self, *targets):
        result = subprocess.run(["make", "-C", str(self.project), *targets], env=self.env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    def compose(self, *args, check=True, timeout=600):
        result = subprocess.run([*compose_command(), "-f", "compose.yaml", "-f", "compose.dev.yaml", *args],
                                cwd=self.project, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check:
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    def migrator(self, *args, name=None):
        """`compose run --rm migrate [ARGS]`, started in the background."""
        command = [*compose_command(), "-f", "compose.yaml", "-f", "compose.dev.yaml", "run", "--rm", "-T"]
        command += ["--name", name] if name else []
        return subprocess.Popen([*command, "migrate", *args], cwd=self.project, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def add_migration(self, column, extra=""):
        revision = f"{int(self.head) + 1:04d}"
        text = EXPAND_MIGRATION.format(revision=revision, down_revision=self.head, column=column,
                                       extra=extra or "pass")
        (self.project / "migrations/versions" / f"{revision}_add_{column}.py").write_text(text)
        self.head = revision
        return revision

    def sql(self, statement):
        return self.compose("exec", "-T", "db", "sh", "-c",
                            f'psql -At -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "{statement}"').stdout.strip()


@pytest.fixture(scope="module")
def stack(image, postgres_image, tmp_path_factory):
    workspace = tmp_path_factory.mktemp("maintenance")
    assert docker_run(image, "new", "mw-demo", "--defaults", volumes=[(workspace, "/work")]).returncode == 0
    project = workspace / "mw-demo"
    env = {**os.environ, "COMPOSE_PROJECT_NAME": unique("shallot-e2e-mw"), "HTTP_PORT": str(free_port()),
           "POSTGRES_PORT": str(free_port()), "POSTGRES_IMAGE": postgres_image, "SHALLOT_IMAGE": image,
           "APP_IMAGE": f"{unique('shallot-e2e/mw-demo')}:latest"}
    (project / ".env").write_text((project / ".env.example").read_text() + "GUNICORN_WORKERS=2\nLOG_LEVEL=WARNING\n")
    running = Stack(project, env)
    try:
        running.make("up")
        running.make("migrate")
        running.sql(f"INSERT INTO todos (title, done, created_at) SELECT 'seed ' || n, false, now() "
                    f"FROM generate_series(1, {SEED_ROWS}) AS n")
        yield running
    finally:
        running.compose("down", "--volumes", check=False)
        subprocess.run(["docker", "image", "rm", "--force", env["APP_IMAGE"]], capture_output=True)


class Load:
    """Threads that read and write without pause, recording every answer."""

    def __init__(self, base):
        self.host, self.port = base.removeprefix("http://").split(":")
        self.stop = threading.Event()
        self.records = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(seed,)) for seed in range(LOAD_THREADS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _run(self, seed):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(self.host, int(self.port), timeout=5)
        while not self.stop.is_set():
            kind = rng.choice(["read", "read", "list", "write"])
            if kind == "write":
                method, path, body = "POST", "/v1/todos", b'{"title": "under load"}'
            elif kind == "list":
                method, path, body = "GET", "/v1/todos?page=1&per_page=20", None
            else:
                method, path, body = "GET", f"/v1/todos/{rng.randint(1, SEED_ROWS)}", None
            record = {"kind": kind, "at": time.time()}
            try:
                connection.request(method, path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                payload = response.read()
                record.update(status=response.status, retry_after=response.getheader("Retry-After"),
                              body=payload[:300], seconds=time.time() - record["at"])
            except (OSError, http.client.HTTPException) as error:
                record.update(status=None, failure=type(error).__name__)
                connection.close()
                connection = http.client.HTTPConnection(self.host, int(self.port), timeout=5)
            with self.lock:
                self.records.append(record)
        connection.close()

    def of(self, *kinds):
        return [record for record in self.records if record["kind"] in kinds]

    def report(self, label, start, end):
        """Counts of each response class, and read latency before and during [start, end]."""
        classes = {}
        for record in self.records:
            key = f"{record['kind']} {record['status'] or record.get('failure')}"
            classes[key] = classes.get(key, 0) + 1
        reads = [r for r in self.of("read", "list") if r.get("seconds") is not None]
        before = sorted(r["seconds"] for r in reads if r["at"] < start)
        during = sorted(r["seconds"] for r in reads if start <= r["at"] <= end)
        print(f"\n{label}: {end - start:.2f}s; responses {dict(sorted(classes.items()))}; "
              f"read p50/p99 before {_ms(before, 0.5)}/{_ms(before, 0.99)} ms, "
              f"during {_ms(during, 0.5)}/{_ms(during, 0.99)} ms")


def _ms(values, quantile):
    return f"{values[min(len(values) - 1, int(len(values) * quantile))] * 1000:.1f}" if values else "-"


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
        stack.compose("stop", "app")
        stack.compose("run", "--rm", "-T", "migrate", "python", "manage.py", "db", "upgrade")
        stack.compose("start", "app")
        deadline = time.time() + 120
        while time.time() < deadline and not any(
            r["status"] == 200 and r["at"] > started + 0.5 for r in load.of("read")
        ):
            time.sleep(0.1)
        finished = time.time()
        time.sleep(2)
    assert stack.sql("SELECT version_num FROM alembic_version") == revision
    load.report("stop the world (stop, migrate, start)", started, finished)
