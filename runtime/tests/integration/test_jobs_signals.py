"""shallot-worker in a process of its own, stopped mid-job: SIGTERM lets the jobs in hand finish
within WORKER_SHUTDOWN_TIMEOUT and hands the others back; a job cut off by SIGKILL runs again
once its worker has been silent for WORKER_STALLED_AFTER."""

import signal

from sqlalchemy.orm import Session

from tests.support.jobs.database import JobsTestCase
from tests.support.jobs.tasks import make_jobs
from tests.support.jobs.workers import ProcessWorker, ThreadWorker
from tests.support.wait import wait_until

START = 20.0  # seconds for a worker process to start on a busy machine


class StopTest(JobsTestCase):
    def enqueue(self, task: str, **arguments) -> int:
        with Session(self.tools.engine) as session:
            job_id = make_jobs().queue(session).enqueue(task, **arguments)
            session.commit()
        return job_id

    def worker(self, **environment: str) -> ProcessWorker:
        worker = ProcessWorker(self.url, **environment).start()
        self.addCleanup(worker.stop)
        return worker

    def status(self, job_id: int) -> tuple[str, int] | None:
        rows = self.query(
            "SELECT status, attempts FROM procrastinate_jobs WHERE id = :id", id=job_id
        )
        return (rows[0].status, rows[0].attempts) if rows else None

    def test_sigterm_lets_a_short_job_finish_and_hands_a_long_one_back(self):
        short = self.enqueue("hold", key="short", seconds=0.5)
        long = self.enqueue("hold", key="long", seconds=30)
        worker = self.worker(WORKER_CONCURRENCY="2", WORKER_SHUTDOWN_TIMEOUT="1.5")
        wait_until(lambda: len(self.runs("started")) == 2, START)
        worker.signal(signal.SIGTERM)
        self.assertEqual(worker.wait(10), 0, "".join(worker.output))
        self.assertEqual([run.key for run in self.runs("finished")], ["short"])
        self.assertIsNone(self.status(short), "done, and gone from the queue")
        self.assertEqual(self.status(long), ("todo", 1), "back in its queue, to run again")
        self.assertTrue(worker.logged("handed back to their queue"), "".join(worker.output))
        live = self.tools.maintenance.acknowledgements(None).instances
        self.assertEqual(live, (), "it left the live instances")

    def test_a_job_cut_off_by_sigkill_runs_again_after_the_stall_timeout(self):
        job_id = self.enqueue("hold", key="cut off", seconds=30, first_only=True)
        killed = self.worker(WORKER_STALLED_AFTER="1")
        wait_until(lambda: self.runs("started"), START)
        killed.signal(signal.SIGKILL)
        killed.wait(5)
        self.assertEqual(self.status(job_id), ("doing", 0), "nobody knows yet")
        with ThreadWorker(make_jobs(), self.url, stalled_after=1.0):  # another worker, here
            wait_until(lambda: self.status(job_id) is None, 10)  # done, and gone from the queue
        runs = [(run.key, run.attempt) for run in self.runs("finished")]
        self.assertEqual(runs, [("cut off", 1)], "at its second attempt")
