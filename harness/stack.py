"""A rendered project's compose stack under a load that never pauses, for the fault tests and the bench.

`Stack` drives the stack (make, compose, psql, new migrations); `Load` is a few threads that read
and write without pause and record every answer; `loaded_stack` renders, starts, migrates and
seeds one, and takes it down afterwards.
"""

import contextlib
import http.client
import random
import shutil
import subprocess
import threading
import time
from pathlib import Path

from harness.docker import PROJECT_NAME, compose_command, stack_environment

SEED_ROWS = 100_000
LOAD_THREADS = 6

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
    def __init__(self, project: Path, env: dict):
        self.project, self.env = project, env
        self.base = f"http://127.0.0.1:{env['HTTP_PORT']}"
        self.head = "0002"  # the example's migrations: the todos, then the job queue
        self.seed_rows = 0

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

    def migrate_stopping_the_world(self, load):
        """The original template's way: stop the service, migrate, start it; returns when `load`
        has a read answered 200 again (the time the service was back)."""
        started = time.time()
        self.compose("stop", "app")
        self.compose("run", "--rm", "-T", "migrate", "python", "manage.py", "db", "upgrade")
        self.compose("start", "app")
        deadline = time.time() + 120
        while time.time() < deadline and not any(
            r["status"] == 200 and r["at"] > started + 0.5 for r in load.of("read", "list")
        ):
            time.sleep(0.05)
        return time.time()

    def sql(self, statement):
        return self.compose("exec", "-T", "db", "sh", "-c",
                            f'psql -At -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "{statement}"').stdout.strip()


@contextlib.contextmanager
def loaded_stack(image: str, postgres_image: str, workspace: Path, name: str = "mw-demo", workers: int = 2,
                 seed_rows: int = SEED_ROWS, project: Path | None = None):
    """A project's stack, up, migrated and seeded with `seed_rows` todos; down afterwards. The project
    is rendered without authentication (its users are the maintenance window's and the
    database's tests, whose load needs no tokens), or a copy of `project` when given; `name`
    names its compose project and image."""
    if project is None:
        result = subprocess.run(["docker", "run", "--rm", "-v", f"{workspace}:/work", image, "new", PROJECT_NAME,
                                 "--defaults", "--auth", "none"], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        project = workspace / PROJECT_NAME
    else:
        project = Path(shutil.copytree(project, workspace / project.name))
    env = stack_environment(image, postgres_image, name)
    settings = f"WEB_CONCURRENCY={workers}\nLOG_LEVEL=WARNING\n"
    (project / ".env").write_text((project / ".env.example").read_text() + settings)
    running = Stack(project, env)
    try:
        running.make("up")
        running.make("migrate")
        running.sql(f"INSERT INTO todos (title, done, created_at) SELECT 'seed ' || n, false, now() "
                    f"FROM generate_series(1, {seed_rows}) AS n")
        running.seed_rows = seed_rows
        yield running
    finally:
        running.compose("down", "--volumes", check=False)
        subprocess.run(["docker", "image", "rm", "--force", env["APP_IMAGE"]], capture_output=True)


class Load:
    """Threads that read and write without pause, recording every answer.

    Each write has a title of its own (`<tag> <thread>-<n>`), so that acknowledged writes can be
    looked up in the database afterwards.
    """

    def __init__(self, base, threads=LOAD_THREADS, timeout=5.0, tag="load", rows=SEED_ROWS):
        self.host, self.port = base.removeprefix("http://").split(":")
        self.rows = rows
        self.tag = tag
        self.timeout = timeout
        self.stop = threading.Event()
        self.records = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(seed,)) for seed in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _connect(self):
        return http.client.HTTPConnection(self.host, int(self.port), timeout=self.timeout)

    def _run(self, seed):
        rng = random.Random(seed)
        connection = self._connect()
        written = 0
        while not self.stop.is_set():
            kind = rng.choice(["read", "read", "list", "write"])
            record = {"kind": kind}
            if kind == "write":
                written += 1
                record["title"] = f"{self.tag} {seed}-{written}"
                method, path, body = "POST", "/v1/todos", f'{{"title": "{record["title"]}"}}'.encode()
            elif kind == "list":
                method, path, body = "GET", "/v1/todos?page=1&per_page=20", None
            else:
                method, path, body = "GET", f"/v1/todos/{rng.randint(1, self.rows)}", None
            record["at"] = time.time()
            try:
                connection.request(method, path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                payload = response.read()
                record.update(status=response.status, retry_after=response.getheader("Retry-After"),
                              body=payload[:300], seconds=time.time() - record["at"])
            except (OSError, http.client.HTTPException) as error:
                record.update(status=None, failure=type(error).__name__, seconds=time.time() - record["at"])
                connection.close()
                connection = self._connect()
            with self.lock:
                self.records.append(record)
        connection.close()

    def acknowledged_titles(self):
        return {record["title"] for record in self.of("write") if record["status"] == 201}

    def of(self, *kinds):
        with self.lock:
            return [record for record in self.records if record["kind"] in kinds]

    def classes(self, start=None, end=None):
        """How many of each answer ("read 200", "write 503", "list ConnectionRefusedError"...)."""
        counts = {}
        for record in self.of("read", "list", "write"):
            if (start is None or record["at"] >= start) and (end is None or record["at"] <= end):
                key = f"{record['kind']} {record['status'] or record.get('failure')}"
                counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))

    def read_latencies(self, start, end):
        """Seconds each answered read took, for the reads started in [start, end]."""
        return sorted(r["seconds"] for r in self.of("read", "list")
                      if r["status"] is not None and start <= r["at"] <= end)

    def report(self, label, start, end):
        """Counts of each response class, and read latency before and during [start, end]."""
        before = self.read_latencies(0, start)
        during = self.read_latencies(start, end)
        print(f"\n{label}: {end - start:.2f}s; responses {self.classes()}; "
              f"read p50/p99 before {_ms(before, 0.5)}/{_ms(before, 0.99)} ms, "
              f"during {_ms(during, 0.5)}/{_ms(during, 0.99)} ms")


def quantile(values, q):
    return values[min(len(values) - 1, int(len(values) * q))] if values else None


def _ms(values, q):
    value = quantile(values, q)
    return "-" if value is None else f"{value * 1000:.1f}"
