"""The trace goes with the job: the request that enqueues it writes its context (W3C
traceparent) into the job's arguments, and the worker starts the job's span as its child.

The worker takes that argument back out before the task is called, so a task never sees it.
"""

import contextvars
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import propagate, trace
from procrastinate import JobContext

# The job argument that carries the trace context; the worker removes it before the call.
TRACE_ARGUMENT = "_trace_context"
_job_fields: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "shallot_job", default=None
)


def current_context() -> dict[str, str]:
    """The active trace context as W3C headers; empty outside a span (or with tracing off)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


class JobTracing:
    """The worker's task middleware: a span for each job, child of the enqueuer's span."""

    def __init__(self, tracer_provider: trace.TracerProvider | None = None) -> None:
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)

    def sync(self, call_next: Callable[[], Any], context: JobContext, _worker: object) -> Any:
        with self._span(context):
            return call_next()

    async def asynchronous(
        self, call_next: Callable[[], Awaitable[Any]], context: JobContext, _worker: object
    ) -> Any:
        with self._span(context):
            return await call_next()

    @contextmanager
    def _span(self, context: JobContext) -> Iterator[None]:
        job = context.job
        # The very dict the task is called with (procrastinate 3.10: `task(**job.task_kwargs)`).
        carrier = job.task_kwargs.pop(TRACE_ARGUMENT, None)
        parent = propagate.extract(carrier) if isinstance(carrier, dict) else None
        attributes = {
            "messaging.system": "procrastinate",
            "messaging.destination.name": job.queue,
            "messaging.message.id": str(job.id),
            "job.task": job.task_name,
            "job.attempts": job.attempts,
        }
        fields = {"job_id": job.id, "task": job.task_name, "queue": job.queue}
        token = _job_fields.set(fields)
        try:
            with self._tracer.start_as_current_span(
                f"job {job.task_name}",
                context=parent,
                kind=trace.SpanKind.CONSUMER,
                attributes=attributes,
            ):
                yield
        finally:
            _job_fields.reset(token)


def job_fields() -> dict[str, Any] | None:
    """The job this thread runs, for its log lines (see `logs`)."""
    return _job_fields.get()
