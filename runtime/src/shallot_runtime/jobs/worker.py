"""`JobWorker`: procrastinate's worker on the project's `Jobs`, as `shallot-worker` runs it.

Beside procrastinate's own loop (fetch, run, record; LISTEN for new jobs; a heartbeat; the
periodic tasks, each deferred once per tick whichever worker gets there first), it:

- follows the maintenance window (`watch`, `gate`, `rules`) and counts as a live instance;
- stops on `stop()` (SIGTERM) gracefully: it takes no more jobs and waits up to
  WORKER_SHUTDOWN_TIMEOUT for those in hand; past it, it hands them back to their queue, to
  run again at once elsewhere, and `on_abandon` ends the process (a job's thread cannot be
  stopped from outside). A second stop() hands them back at once;
- runs shallot's task that puts back in their queue the jobs of a worker that stopped beating
  (SIGKILL) for WORKER_STALLED_AFTER, every third of it;
- waits, saying so, while the database or the job schema is not there yet, and starts again
  after losing the database;
- serves /metrics and /healthz (`metrics`), and starts each job's span as the child of the
  request that enqueued it (`tracing`).
"""

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from opentelemetry.trace import TracerProvider
from procrastinate import PsycopgConnector
from procrastinate.exceptions import ConnectorException
from prometheus_client import CollectorRegistry
from psycopg import OperationalError
from sqlalchemy import Engine

from shallot_runtime.adapters.clock import SystemClock
from shallot_runtime.adapters.database.engine import create_database_engine
from shallot_runtime.jobs.app import RETRY_STALLED, SHALLOT_QUEUE, STALLED_AFTER, Jobs
from shallot_runtime.jobs.gate import WorkerGate
from shallot_runtime.jobs.manager import WorkerJobManager
from shallot_runtime.jobs.metrics import JobMetrics, Liveness, MetricsServer, QueueState
from shallot_runtime.jobs.settings import WorkerSettings
from shallot_runtime.jobs.tracing import JobTracing
from shallot_runtime.jobs.watch import WindowWatch
from shallot_runtime.services.ports import Clock
from shallot_runtime.settings import DatabaseSettings

logger = logging.getLogger(__name__)

RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0)  # after the database was lost, or is not there yet
SCHEMA_REMINDER_SECONDS = 30.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class JobWorker:
    def __init__(
        self,
        jobs: Jobs,
        settings: WorkerSettings,
        database: DatabaseSettings,
        *,
        clock: Clock | None = None,
        tracer_provider: TracerProvider | None = None,
        on_abandon: Callable[[], None] | None = None,
    ) -> None:
        """`on_abandon` is called once jobs still running past the shutdown timeout have been
        handed back; shallot-worker ends the process there."""
        if not isinstance(jobs, Jobs):
            raise TypeError(
                f"{jobs!r} is not a shallot_runtime.jobs.Jobs; declare the tasks on one"
            )
        self.jobs = jobs
        self.settings = settings
        self.database = database
        self._clock = clock or SystemClock()
        self._tracing = JobTracing(tracer_provider)
        self._on_abandon = on_abandon
        # Every worker takes shallot's own queue, whatever queues it was given.
        queues = settings.queues
        self.queues = None if queues is None else (*dict.fromkeys(queues), SHALLOT_QUEUE)
        self.gate = WorkerGate(self.queues, jobs.read_only_queues, self._clock)
        self.registry = CollectorRegistry()
        self.metrics = JobMetrics(self.registry)
        self.liveness = Liveness()
        self.metrics_port: int | None = None  # the port /metrics listens on, once started
        self.abandoned: list[int] = []  # the jobs handed back past the shutdown timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        # Bound to the loop of run() on first use; run() runs once per worker.
        self._stop = asyncio.Event()
        self._hurry = asyncio.Event()  # a second stop: hand the jobs back without waiting
        self._stop_requests = 0
        self.watch = WindowWatch(database.url, self.gate, self._clock)
        self.instance = self.watch.instance
        self.started = threading.Event()  # set once the worker takes jobs

    def run(self, *, handle_signals: bool = False) -> None:
        """Runs until stopped; with `handle_signals`, SIGTERM and SIGINT stop it."""
        asyncio.run(self._main(handle_signals))

    def stop(self) -> None:
        """Stops gracefully, from any thread; a second call hands the jobs in hand back now."""
        self._stop_requests += 1
        event = self._stop if self._stop_requests == 1 else self._hurry
        if self._loop is None:
            event.set()
        else:
            self._loop.call_soon_threadsafe(event.set)

    async def _main(self, handle_signals: bool) -> None:
        self._loop = asyncio.get_running_loop()
        if handle_signals:
            for signum in STOP_SIGNALS:
                self._loop.add_signal_handler(signum, self.stop)
        watch = self.watch
        watch.start()
        server, engine = self._serve_metrics()
        beating = asyncio.create_task(self._beat())
        try:
            # The window first: a worker must not take a job a window in force forbids.
            await asyncio.to_thread(watch.first_read.wait, 5.0)
            await self._work_until_stopped()
        finally:
            beating.cancel()
            watch.stop()
            if server is not None and engine is not None:
                server.stop()
                engine.dispose()

    def _serve_metrics(self) -> tuple[MetricsServer | None, Engine | None]:
        if not self.settings.metrics_port:
            return None, None
        engine = create_database_engine(
            self.database.url,
            application_name="shallot-worker-metrics",
            connect_timeout=self.database.connect_timeout,
            statement_timeout=self.database.statement_timeout,
        )
        self.registry.register(QueueState(engine, self.gate))
        server = MetricsServer(self.settings.metrics_port, self.registry, self.liveness, self.gate)
        server.start()
        self.metrics_port = server.port
        return server, engine

    async def _beat(self) -> None:
        while True:
            self.liveness.beat()
            await asyncio.sleep(1.0)

    async def _work_until_stopped(self) -> None:
        """Runs procrastinate's worker; after losing the database, again, with a backoff."""
        failures = 0
        while not self._stop.is_set():
            connector = PsycopgConnector(**self._pool_arguments())
            # The app's documented attributes, replaced while it runs (as replace_connector
            # does for the connector alone): one worker at a time per Jobs.
            original = (self.jobs.connector, self.jobs.job_manager)
            manager = WorkerJobManager(connector, self.gate, self.metrics)
            self.jobs.connector, self.jobs.job_manager = connector, manager
            try:
                await connector.open_async()
                if await self._schema_is_there():
                    failures = 0
                    await self._run_worker(manager)
                    if not self._stop.is_set():  # procrastinate's worker stopped by itself
                        logger.warning("worker: the worker loop stopped; starting it again")
                        await self._pause(RESTART_DELAYS[0])
            except (ConnectorException, OperationalError, OSError) as error:
                delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
                logger.warning(
                    "worker: the database cannot be reached (%s); trying again in %gs",
                    _cause(error),
                    delay,
                )
                self.liveness.state = "waiting for the database"
                await self._pause(delay)
                failures += 1
            finally:
                self.jobs.connector, self.jobs.job_manager = original
                if not self.abandoned:  # else its jobs' threads still use the pool
                    await connector.close_async()

    async def _schema_is_there(self) -> bool:
        """Whether procrastinate's tables are there; waits for them (until stopped) if not."""
        said_at = None
        while not self._stop.is_set():
            if await self.jobs.check_connection_async():
                return True
            self.liveness.state = "waiting for the job schema"
            now = asyncio.get_running_loop().time()
            if said_at is None or now - said_at >= SCHEMA_REMINDER_SECONDS:
                logger.warning(
                    "worker: the job schema is not in the database yet; waiting for the"
                    " migration that creates it (manage.py migrate)"
                )
                said_at = now
            await self._pause(RESTART_DELAYS[1])
        return False

    async def _run_worker(self, manager: WorkerJobManager) -> None:
        self._schedule_stalled_check()
        run = asyncio.create_task(self.jobs.run_worker_async(**self._worker_options()))
        self.liveness.state = "running"
        self.started.set()
        stopping = asyncio.create_task(self._stop.wait())
        await asyncio.wait({run, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not run.done():
            self.liveness.state = "stopping"
            logger.info(
                "worker: stopping; %d job(s) in hand get up to %gs to finish",
                len(self.gate.in_hand()),
                self.settings.shutdown_timeout,
            )
            run.cancel()  # procrastinate's graceful stop: no new job, the jobs in hand finish
            hurry = asyncio.create_task(self._hurry.wait())
            await asyncio.wait(
                {run, hurry},
                timeout=self.settings.shutdown_timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
            hurry.cancel()
            if not run.done():
                await self._hand_back(manager)
                return
        stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # the graceful stop above
            await run

    async def _hand_back(self, manager: WorkerJobManager) -> None:
        in_hand = self.gate.in_hand()
        for job_id in in_hand:
            try:
                await manager.hand_back(job_id)
            except ConnectorException as error:  # it runs again once the stalled check runs
                logger.error("worker: could not hand job %s back (%s)", job_id, _cause(error))
        self.abandoned = in_hand
        logger.warning(
            "worker: job(s) %s still ran after %gs; handed back to their queue to run again",
            ", ".join(map(str, in_hand)),
            self.settings.shutdown_timeout,
        )
        if self._on_abandon is not None:
            await asyncio.to_thread(self.watch.stop)  # leaves the live instances now
            self._on_abandon()

    def _schedule_stalled_check(self) -> None:
        registry = self.jobs.periodic_registry
        if not any(name == RETRY_STALLED for name, _ in registry.periodic_tasks):
            registry.register_task(
                task=self.jobs.tasks[RETRY_STALLED],
                cron=self.settings.stalled_check_cron,
                periodic_id="",
                configure_kwargs={},
            )

    def _worker_options(self) -> dict[str, Any]:
        return {
            "queues": None if self.queues is None else list(self.queues),
            "name": self.instance,
            "concurrency": self.settings.concurrency,
            "fetch_job_polling_interval": self.settings.poll_interval,
            "abort_job_polling_interval": self.settings.poll_interval,
            "shutdown_graceful_timeout": None,  # ours, above: a sync job cannot be cancelled
            "install_signal_handlers": False,  # ours, in run()
            "update_heartbeat_interval": self.settings.heartbeat_interval,
            "stalled_worker_timeout": self.settings.stalled_after,
            "delete_jobs": "successful",  # the queue keeps what needs a look: failures
            "additional_context": {STALLED_AFTER: self.settings.stalled_after},
            "task_middleware": [self._tracing.sync, self._tracing.asynchronous],
        }

    def _pool_arguments(self) -> dict[str, Any]:
        url = self.database.url
        connect_timeout = max(1, round(self.database.connect_timeout.total_seconds()))
        return {
            "conninfo": "",
            "kwargs": {
                "host": url.host,
                "port": url.port,
                "user": url.username,
                "password": url.password,
                "dbname": url.database,
                "connect_timeout": connect_timeout,
                "application_name": "shallot-worker",
                "keepalives": 1,
                "keepalives_idle": 5,
                "keepalives_interval": 2,
                "keepalives_count": 2,
            },
            # The jobs in hand, the LISTEN connection, the heartbeat and the periodic deferrer.
            "min_size": 1,
            "max_size": self.settings.concurrency + 3,
            "timeout": connect_timeout * 2,
        }

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)


def _cause(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__ or error
    return f"{type(cause).__name__}: {str(cause).strip().splitlines()[0] if str(cause) else ''}"
