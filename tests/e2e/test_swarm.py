"""The rendered project on Docker Swarm: three replicas (one uWSGI worker each) of its
service, its PostgreSQL and its migrate job, deployed by `make swarm-deploy`, under a read and
write load from a container on the stack's network (tests/e2e/swarm_load.py). Then, in order:
an expand migration by `make swarm-migrate` (every replica acknowledges the window, reads all
succeed, writes are refused only inside it), a rolling update to a new image tag (nothing
fails), and one replica killed (Swarm replaces it; only the requests in flight on it fail).

This engine's kernel has no IPVS, so Swarm's virtual IPs and routing mesh do not route here:
the stack is deployed with deploy/swarm/stack.dnsrr.yaml (DNS round robin, host-mode ports,
HTTP_PORT=0), the README's override for such engines, and nothing else differs. A swarm is
initialised only if the engine is in none, and left afterwards with what it created.
"""

import json
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest

from harness.docker import docker, stack_environment, unique
from harness.poller import Poller
from harness.stack import EXPAND_MIGRATION

pytestmark = pytest.mark.alone  # judged under load or against a clock: run with nothing beside it

REPLICAS = 3
WORKERS = 2  # the job worker's replicas: instances that acknowledge a window too
SEED_ROWS = 20_000
LOAD_SCRIPT = Path(__file__).with_name("swarm_load.py")
LOAD_THREADS = 6  # swarm_load.THREADS: at most one request open per thread at any moment
HTTP_PORT = 8000  # the rendered project's default


@pytest.fixture(scope="module")
def swarm():
    """This engine's swarm, or a single-node one made for this module and left afterwards, with
    the bridge network Swarm made for it."""
    state = docker("info", "--format", "{{.Swarm.LocalNodeState}}").stdout.strip()
    if state == "active":
        yield
        return
    assert state == "inactive", f"the engine's swarm is {state!r}: neither active nor inactive"
    bridges = set(docker("network", "ls", "--format", "{{.Name}}").stdout.split())
    docker("swarm", "init", "--advertise-addr", "127.0.0.1")
    try:
        yield
    finally:
        docker("swarm", "leave", "--force", check=False)
        if "docker_gwbridge" not in bridges:
            docker("network", "rm", "docker_gwbridge", check=False)


class SwarmStack:
    """A rendered project's stack on Swarm, driven through its Makefile."""

    def __init__(self, project: Path, env: dict, workspace: Path):
        self.project, self.env, self.workspace = project, env, workspace
        self.name = env["SWARM_STACK"]
        self.release = env["APP_IMAGE"].rsplit(":", 1)[0] + ":2"

    def make(self, *targets, **variables):
        env = {**self.env, **variables}
        result = subprocess.run(["make", "-C", str(self.project), *targets], env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout

    def containers(self, service, *filters):
        return docker("ps", "--quiet", "--filter", f"label=com.docker.swarm.service.name={self.name}_{service}",
                      *(f"--filter={item}" for item in filters)).stdout.split()

    def sql(self, statement):
        (db,) = self.containers("db")
        return docker("exec", db, "psql", "-At", "-U", "postgres", "-d", self.project.name.replace("-", "_"), "-c", statement).stdout.strip()

    def wait_for_replicas(self, image, gone=(), timeout=180):
        """Until REPLICAS containers of `image` are healthy and none of `gone` runs; the time then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            healthy = [c for c in self.containers("app", "health=healthy") if c not in gone]
            images = {docker("inspect", "--format", "{{.Config.Image}}", c, check=False).stdout.strip()
                      for c in self.containers("app")}
            if len(healthy) == REPLICAS and images == {image} and not set(gone) & set(self.containers("app")):
                return time.time()
            time.sleep(0.3)
        raise AssertionError(docker("service", "ps", "--no-trunc", f"{self.name}_app").stdout)

    def wait_for_update(self, timeout=120):
        """Until the app's update has completed; the time then."""
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = docker("service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
                           f"{self.name}_app").stdout.strip()
            if state == "completed":
                return time.time()
            assert state == "updating", f"the update is {state!r}"
            time.sleep(0.5)
        raise AssertionError(f"the update is still {state!r} after {timeout}s")

    def last_window(self):
        row = self.sql("SELECT extract(epoch FROM started_at), extract(epoch FROM ended_at), instances, "
                       "propagation_ms, outcome, to_revision FROM shallot_maintenance_history ORDER BY id DESC LIMIT 1")
        started, ended, instances, propagation, outcome, revision = row.split("|")
        return {"started": float(started), "ended": float(ended), "instances": int(instances),
                "propagation_ms": float(propagation) if propagation else None, "outcome": outcome,
                "revision": revision}

    def load(self):
        return Load(self)


class Load:
    """swarm_load.py in a container on the stack's network, for the length of a `with` block."""

    def __init__(self, stack: SwarmStack):
        self.stack = stack
        self.folder = stack.workspace / unique("load")
        self.name = unique("shallot-e2e-swarm-load")
        self.records = []

    def __enter__(self):
        self.folder.mkdir()
        self.folder.chmod(0o777)  # the image's user writes the answers there
        shutil.copy(LOAD_SCRIPT, self.folder / LOAD_SCRIPT.name)
        docker("run", "-d", "--name", self.name, "--network", f"{self.stack.name}_default",
               "-v", f"{self.folder}:/load", self.stack.env["APP_IMAGE"],
               "python", f"/load/{LOAD_SCRIPT.name}", "app", str(HTTP_PORT), str(SEED_ROWS), "/load/answers.jsonl")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self._read():
            time.sleep(0.2)
        assert self._read(), docker("logs", self.name, check=False).stderr
        return self

    def __exit__(self, *_):
        docker("stop", "--time", "15", self.name, check=False)
        logs = docker("logs", self.name, check=False).stderr
        docker("rm", "--force", self.name, check=False)
        self.records = self._read()
        assert self.records, logs

    def _read(self):
        answers = self.folder / "answers.jsonl"
        if not answers.exists():
            return []
        return [json.loads(line) for line in answers.read_text().splitlines() if line.endswith("}")]

    def failed(self):
        return [r for r in self.records if r["status"] is None or r["status"] >= 500]

    def lookups_repeated(self):
        return sum(r.get("lookups_repeated", 0) for r in self.records)

    def connects_retried(self):
        return sum(r.get("connects_retried", 0) for r in self.records)

    def classes(self):
        counts = {}
        for record in self.records:
            key = f"{record['kind']} {record['status'] or record.get('failure')}"
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))


@pytest.fixture(scope="module")
def stack(swarm, image, postgres_image, open_project, open_project_image, tmp_path_factory):
    """The rendered project's stack, deployed and seeded; removed afterwards, with its volume
    and images, whatever happened."""
    workspace = tmp_path_factory.mktemp("swarm")
    # Without authentication: the stack's issuer settings are checked by the unit tests of the
    # stack file, and tokens end to end by test_generated_service's production run.
    project = Path(shutil.copytree(open_project, workspace / open_project.name))
    settings = project / "deploy/swarm/stack.env"
    settings.write_text(settings.read_text().replace("WEB_CONCURRENCY=3", "WEB_CONCURRENCY=1"))
    env = stack_environment(image, postgres_image, "swarm")
    name = unique("shallot-e2e-swarm")
    env.update(
        SWARM_STACK=name,
        SWARM_FILES="-c deploy/swarm/stack.yaml -c deploy/swarm/stack.dnsrr.yaml",
        SWARM_DEPLOY_FLAGS="--resolve-image never",  # the images exist on this engine only
        HTTP_PORT="0",  # each replica on a host port of its own (stack.dnsrr.yaml)
        APP_IMAGE=f"shallot-e2e/{name}:1",
    )
    running = SwarmStack(project, env, workspace)
    docker("tag", open_project_image, env["APP_IMAGE"])
    try:
        _build_release(running, workspace)
        started = time.time()
        running.make("swarm-deploy")
        ready = running.wait_for_replicas(env["APP_IMAGE"])
        print(f"\nswarm deploy: migrated, {REPLICAS} replicas healthy, {ready - started:.1f}s after make swarm-deploy")
        running.sql(f"INSERT INTO todos (title, done, created_at) SELECT 'seed ' || n, false, now() "
                    f"FROM generate_series(1, {SEED_ROWS}) AS n")
        yield running
    finally:
        _remove(running)


def _build_release(stack, workspace):
    """The next release: the same image with an expand migration (a column and its index)."""
    context = workspace / "release"
    (context / "versions").mkdir(parents=True)
    migration = EXPAND_MIGRATION.format(revision="0003", down_revision="0002", column="note", extra="pass")
    (context / "versions/0003_add_note.py").write_text(migration)
    (context / "Dockerfile").write_text(f"FROM {stack.env['APP_IMAGE']}\nCOPY versions/ migrations/versions/\n")
    docker("build", "--quiet", "--tag", stack.release, str(context))


def _remove(stack):
    docker("stack", "rm", stack.name, check=False)
    label = f"label=com.docker.stack.namespace={stack.name}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and docker("ps", "--quiet", "--filter", label).stdout.strip():
        time.sleep(0.5)
    # Swarm leaves the containers of finished job tasks behind for a while.
    leftovers = docker("ps", "--all", "--quiet", "--filter", label).stdout.split()
    if leftovers:
        docker("rm", "--force", *leftovers, check=False)
    docker("network", "rm", f"{stack.name}_default", check=False)
    docker("volume", "rm", f"{stack.name}_db-data", check=False)
    docker("image", "rm", "--force", stack.env["APP_IMAGE"], stack.release, check=False)


def test_a_migration_is_acknowledged_by_every_replica_and_refuses_writes_only_in_its_window(stack):
    with stack.load() as load, Poller(lambda: acknowledgements(stack), 0.05) as sampled:
        time.sleep(2)
        stack.make("swarm-migrate", f"image={stack.release}")
        time.sleep(2)
    seen = {instance: ms for _, _, sample in sampled.samples for instance, ms in sample.items()}
    window = stack.last_window()
    assert (window["outcome"], window["revision"]) == ("completed", "0003"), window
    assert stack.sql("SELECT version_num FROM alembic_version") == "0003"
    # Every replica's one worker, and each job worker, saw the window before anything was applied.
    assert window["instances"] == REPLICAS + WORKERS, window
    assert window["propagation_ms"] is not None, window
    replicas = {container[:12] for container in stack.containers("app") + stack.containers("worker")}
    hosts = {instance.removeprefix("worker:").split(":")[0] for instance in seen}
    assert hosts <= replicas, seen

    reads = [r for r in load.records if r["kind"] != "write"]
    assert reads and not [r for r in reads if r["status"] != 200], load.classes()
    writes = [r for r in load.records if r["kind"] == "write"]
    refused = [r for r in writes if r["status"] != 201]
    assert refused, "the load saw no window: nothing was refused"
    for record in refused:
        assert record["status"] == 503 and record["retry_after"] and '"maintenance"' in record["body"], record
        # Answered after the window opened, asked before every replica had seen it close.
        assert record["at"] + record["seconds"] >= window["started"], record
        assert record["at"] <= window["ended"] + 0.5, record
    # Once every replica had seen the window, no write was taken until it ended.
    seen_by_all = window["started"] + window["propagation_ms"] / 1000
    taken = [r for r in writes
             if r["status"] == 201 and seen_by_all < r["at"] and r["at"] + r["seconds"] < window["ended"]]
    assert not taken, f"writes taken inside the window: {taken[:3]}"

    latencies = ", ".join(f"{ms:.0f}" for ms in sorted(seen.values())) or "-"
    print(f"\nswarm migrate: window {window['ended'] - window['started']:.2f}s, seen by {window['instances']} "
          f"in {window['propagation_ms']:.0f} ms (sampled while open, {len(seen)} of {REPLICAS + WORKERS}: "
          f"{latencies} ms); "
          f"answers {load.classes()}; failed reads 0 (in the window and outside); writes refused "
          f"{len(refused)}, all inside the window, and 0 failed outside it")
    status = stack.make("swarm-status")
    print(status[status.index("ENDED"):])


def test_a_rolling_update_to_a_new_tag_fails_no_request(stack):
    with stack.load() as load:
        time.sleep(2)
        started = time.time()
        stack.make("swarm-deploy", APP_IMAGE=stack.release)
        rolled = stack.wait_for_replicas(stack.release)
        # The update ends once its last task has run for `monitor` without failing (a failure
        # then, even a killed task, would roll the service back).
        completed = stack.wait_for_update()
        time.sleep(1)
    failed = [{**r, "at": round(r["at"] - started, 3)} for r in load.failed()]
    assert not failed, (len(failed), failed[:5], failed[-1:])
    assert not [r for r in load.records if r["status"] not in (200, 201)], load.classes()
    peers_after = {r["peer"] for r in load.records if r["at"] > rolled}
    print(f"\nswarm roll to {stack.release}: {rolled - started:.1f}s until {REPLICAS} replicas were replaced, "
          f"start-first, {completed - started:.1f}s until the update completed (its monitor period); "
          f"answers {load.classes()}; failed {len(load.failed())}; replicas serving afterwards {len(peers_after)}; "
          f"DNS lookups asked again {load.lookups_repeated()}")


def test_a_killed_replica_is_replaced_and_only_its_requests_in_flight_fail(stack):
    with stack.load() as load:
        time.sleep(2)
        victim = stack.containers("app")[0]
        running = docker("inspect", "--format", "{{.Config.Image}}", victim).stdout.strip()
        address = docker("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                         victim).stdout.strip()
        killed = time.time()  # the load's container reads the same clock
        docker("kill", victim)
        died = _moment(docker("inspect", "--format", "{{.State.FinishedAt}}", victim).stdout.strip())
        replaced = stack.wait_for_replicas(running, gone=[victim])
        time.sleep(2)
    failed = load.failed()
    # In flight: sent to the killed replica before Docker recorded it dead, and still open when the
    # kill was sent. (Not "at most one per load thread": in the moment between the two, a thread whose
    # request failed can open another, which the dying replica's kernel still accepts.)
    in_flight = [r for r in failed if r.get("peer") == address and r["at"] <= died
                 and r["at"] + r["seconds"] >= killed]
    assert failed == in_flight, [r for r in failed if r not in in_flight][:5]
    assert len([r for r in in_flight if r["at"] < killed]) <= LOAD_THREADS, "begun before the kill: one per thread"
    served = [r for r in load.records if r["at"] > died]
    assert served and all(r["status"] in (200, 201) for r in served), load.classes()
    print(f"\nswarm kill: replica {victim[:12]} ({address}) replaced in {replaced - died:.1f}s; "
          f"answers {load.classes()}; failed {len(failed)}, all in flight on the killed replica "
          f"({len([r for r in in_flight if r['kind'] != 'write'])} reads, "
          f"{len([r for r in in_flight if r['kind'] == 'write'])} writes); after the kill 0 of {len(served)} failed; "
          f"connects that failed to open and were tried again (the dead replica still in DNS) "
          f"{load.connects_retried()}")


def _moment(text):
    """Docker's RFC 3339 time with nanoseconds, as seconds since the epoch."""
    head, _, fraction = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(head + "+00:00").timestamp() + float(f"0.{fraction or 0}")


ACKNOWLEDGEMENTS = ("SELECT i.instance, round(extract(epoch FROM i.seen_at - m.opened_at) * 1000) "
                    "FROM shallot_maintenance_instances i JOIN shallot_maintenance m ON i.seen_window = m.window_id")


def acknowledgements(stack) -> dict[str, float]:
    """When each app instance saw the open window (ms after it opened). Sampled while the window
    is open: its history keeps only the slowest."""
    return {instance: float(ms) for instance, _, ms in
            (line.partition("|") for line in stack.sql(ACKNOWLEDGEMENTS).splitlines())}
