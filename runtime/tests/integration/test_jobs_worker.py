"""The worker on a database of its own, in this process: each committed job run exactly once
however many workers race for it, the maintenance window followed and acknowledged, a periodic
task run once per tick, the metrics, and the trace carried from the request to the job."""

import json
import urllib.request
from datetime import timedelta

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from shallot_runtime.adapters.migrator.abort import Abort
from shallot_runtime.adapters.migrator.settings import MigratorSettings
from shallot_runtime.domain.window import MaintenanceMode, Outcome
from shallot_runtime.jobs.testing import work_off
from tests.support.jobs.database import JobsTestCase
from tests.support.jobs.tasks import make_jobs
from tests.support.jobs.workers import ThreadWorker, database, free_port
from tests.support.migrations import migrations_with
from tests.support.wait import wait_until

LEASE = timedelta(seconds=30)
QUIET = 0.5  # seconds a test watches for a job that must not run


class WorkerTest(JobsTestCase):
    def enqueue(self, *jobs: tuple[str, dict]) -> list[int]:
        with Session(self.tools.engine) as session:
            queue = make_jobs().queue(session)
            ids = [queue.enqueue(task, **arguments) for task, arguments in jobs]
            session.commit()
        return ids

    def open_window(self, mode: str):
        return self.tools.maintenance.open(mode=mode, reason="test", holder="test", lease=LEASE)

    def assert_not_for_a_while(self, condition):
        with self.assertRaises(AssertionError, msg="it came about, and must not"):
            wait_until(condition, QUIET)

    def test_each_committed_job_runs_exactly_once_with_two_workers_racing(self):
        keys = [f"job-{n}" for n in range(30)]
        with (
            ThreadWorker(make_jobs(), self.url, concurrency=2),
            ThreadWorker(make_jobs(), self.url, concurrency=2),
        ):
            self.enqueue(*[("hold", {"key": key, "seconds": 0.02}) for key in keys])
            with Session(self.tools.engine) as session:  # and one that never commits
                make_jobs().queue(session).enqueue("hold", key="rolled back", seconds=0)
                session.rollback()
            wait_until(lambda: len(self.runs("finished")) == len(keys), 15)
        runs = self.runs("finished")
        self.assertEqual(sorted(run.key for run in runs), sorted(keys))
        self.assertEqual(len({run.worker for run in runs}), 2, "both workers took jobs")
        self.assertEqual(self.jobs(), [], "a job that succeeded leaves the queue")

    def test_a_full_window_pauses_the_worker_and_it_resumes_after(self):
        with ThreadWorker(make_jobs(), self.url) as worker:
            window = self.open_window("full")
            seen = self.tools.maintenance.wait_until_seen(window, timedelta(seconds=2))
            self.assertEqual((seen.instances, seen.waiting_for), ((worker.instance,), ()))
            self.enqueue(("record", {"key": "during"}), ("report", {"key": "read-only too"}))
            self.assert_not_for_a_while(self.runs)
            self.tools.maintenance.close(window, Outcome.COMPLETED)
            wait_until(lambda: len(self.runs()) == 2, 5)

    def test_a_worker_acknowledges_a_window_only_once_the_job_in_hand_is_done(self):
        with ThreadWorker(make_jobs(), self.url) as worker:
            self.enqueue(("hold", {"key": "long", "seconds": 1.0}))
            wait_until(lambda: self.runs("started"), 5)
            window = self.open_window("full")
            seen = self.tools.maintenance.wait_until_seen(window, timedelta(seconds=5))
            self.assertEqual(seen.waiting_for, ())
            self.assertEqual(len(self.runs("finished")), 1, "acknowledged after the job ended")
            self.assertIn(worker.instance, seen.instances)
            # The migrator's wait is bounded: short of it, the worker is still to acknowledge.
            self.tools.maintenance.close(window, Outcome.COMPLETED)
            self.enqueue(("hold", {"key": "longer", "seconds": 1.0}))
            wait_until(lambda: len(self.runs("started")) == 2, 5)
            window = self.open_window("full")
            early = self.tools.maintenance.wait_until_seen(window, timedelta(seconds=0.3))
            self.assertEqual(early.waiting_for, (worker.instance,))

    def test_a_migration_waits_for_the_job_that_holds_a_lock_it_needs(self):
        # No retry, and a lock wait short of the job's: had the migrator not waited for the
        # worker to acknowledge, its ALTER TABLE would fail behind the job's lock.
        settings = MigratorSettings(
            mode=MaintenanceMode.FULL,
            ack_wait=timedelta(seconds=5),
            lock_timeout=timedelta(seconds=0.2),
            retries=0,
        )
        migrations = migrations_with(self, "0002_create_jobs", "0003_add_todo_priority")
        with ThreadWorker(make_jobs(), self.url) as worker:
            self.enqueue(("read_todos", {"key": "reader", "seconds": 1.0}))
            wait_until(lambda: self.runs("started"), 5)
            run = self.tools.migrator(settings, migrations).run(Abort())
        self.assertEqual(run.applied, ["0003"])
        self.assertEqual(run.window.instances, 1, worker.instance)
        self.assertEqual(len(self.runs("finished")), 1)

    def test_in_a_read_only_window_only_the_read_only_queues_are_taken(self):
        with ThreadWorker(make_jobs(), self.url):
            window = self.open_window("read-only")
            self.tools.maintenance.wait_until_seen(window, timedelta(seconds=2))
            self.enqueue(("record", {"key": "writes"}), ("report", {"key": "reads"}))
            wait_until(lambda: [r.key for r in self.runs()] == ["reads"], 5)
            self.assert_not_for_a_while(lambda: len(self.runs()) > 1)
            self.tools.maintenance.close(window, Outcome.COMPLETED)
            wait_until(lambda: [r.key for r in self.runs()] == ["reads", "writes"], 5)

    def test_a_periodic_task_runs_once_per_tick_however_many_workers(self):
        with (
            ThreadWorker(make_jobs(every_second=True), self.url),
            ThreadWorker(make_jobs(every_second=True), self.url),
        ):
            wait_until(lambda: len(self.runs("tick")) >= 3, 6)
        ticks = [int(run.key) for run in self.runs("tick")]
        self.assertEqual(len(ticks), len(set(ticks)), ticks)
        self.assertEqual(ticks, list(range(ticks[0], ticks[0] + len(ticks))), "one per second")

    def test_a_worker_that_lost_its_connections_takes_jobs_again(self):
        with ThreadWorker(make_jobs(), self.url):
            [(killed,)] = self.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = 'shallot-worker' AND datname = current_database()"
            )
            self.assertGreater(killed, 0)
            self.enqueue(("record", {"key": "after"}))
            wait_until(lambda: self.runs(), 10)

    def test_work_off_runs_every_job_due_here_and_returns(self):
        self.enqueue(("record", {"key": "one"}), ("record", {"key": "two"}))
        work_off(make_jobs(), database(self.url))
        self.assertEqual([run.key for run in self.runs()], ["one", "two"])
        self.assertEqual(self.jobs(), [])

    def test_metrics_count_the_jobs_by_task_and_read_the_queues(self):
        port = free_port()
        # This worker does not take the read-only queue's jobs: they wait, and show.
        with ThreadWorker(make_jobs(), self.url, metrics_port=port, queues=("default",)):
            self.enqueue(
                ("record", {"key": "a"}),
                ("record", {"key": "b"}),
                ("fail", {"key": "c"}),
                ("report", {"key": "waits"}),
            )
            wait_until(lambda: self.metric(port, "jobs_failed_total", task="fail") == 1, 5)
            self.assertEqual(self.metric(port, "jobs_done_total", task="record"), 2)
            self.assertEqual(self.metric(port, "jobs_retried_total", task="fail"), 1)
            self.assertEqual(self.metric(port, "jobs_waiting", queue="reports"), 1)
            self.assertGreater(self.metric(port, "jobs_oldest_waiting_seconds", queue="reports"), 0)
            self.assertEqual(self.metric(port, "maintenance_mode", mode="off"), 1)
            self.assertEqual(self.metric(port, "jobs_in_hand"), 0)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                health = json.load(answer)
            self.assertEqual(health, {"status": "ok", "state": "running", "maintenance": "off"})

    def test_the_jobs_span_is_the_child_of_the_request_that_enqueued_it(self):
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        with provider.get_tracer("test").start_as_current_span("PATCH /v1/todos/1") as request:
            self.enqueue(("record", {"key": "traced"}))
        with ThreadWorker(make_jobs(), self.url, tracer_provider=provider):
            wait_until(lambda: self.runs(), 5)
        [run] = self.runs()
        [span] = [s for s in exporter.get_finished_spans() if s.name == "job record"]
        self.assertEqual(span.context.trace_id, request.get_span_context().trace_id)
        self.assertEqual(span.parent.span_id, request.get_span_context().span_id)
        self.assertEqual(run.trace_id, f"{request.get_span_context().trace_id:032x}")
        self.assertEqual(span.attributes["job.task"], "record")

    @staticmethod
    def metric(port: int, name: str, **labels: str) -> float | None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            body = answer.read().decode()
        for family in text_string_to_metric_families(body):
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    return sample.value
        return None
