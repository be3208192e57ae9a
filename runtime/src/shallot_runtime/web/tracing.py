"""OpenTelemetry traces: a span for each request, with a child for each SQL statement in it.

Configured by the standard OTEL_* variables alone
(https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/). Tracing
is on when an OTLP endpoint is set, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
OTEL_EXPORTER_OTLP_ENDPOINT (http://collector:4318): spans go there over HTTP, as protobuf.
OTEL_SERVICE_NAME names the service, OTEL_TRACES_SAMPLER samples, and OTEL_SDK_DISABLED=true
or OTEL_TRACES_EXPORTER=none turn tracing off. Off, nothing is instrumented or exported.
"""

import os
from collections.abc import Mapping

from flask import Flask, Response
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.psycopg2 import Psycopg2Instrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sqlalchemy import Engine, event

ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
TRACE_ID_HEADER = "X-Trace-Id"
SPAN_ID_HEADER = "X-Span-Id"


def tracing_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return any(environ.get(name, "").strip() for name in ENDPOINTS)


def start_tracing() -> None:
    """Once per process (in each worker, as the app is built). The provider sends the spans
    still waiting when the process exits."""
    if tracing_enabled():
        provider = TracerProvider()  # its resource and sampler come from OTEL_* too
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)


def instrument(app: Flask, *engines: Engine) -> None:
    """Spans for the app's requests and for the statements on these engines' connections (only
    theirs: the runtime's own, which watch the maintenance window, stay quiet)."""
    if tracing_enabled():
        FlaskInstrumentor().instrument_app(app)
        app.after_request(name_the_span)
        for engine in engines:
            event.listen(engine, "connect", _trace_statements)


def name_the_span(response: Response) -> Response:
    """The request's trace and span, in headers for nginx's access line, which nginx keeps
    from the client."""
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        response.headers[TRACE_ID_HEADER] = trace.format_trace_id(span.trace_id)
        response.headers[SPAN_ID_HEADER] = trace.format_span_id(span.span_id)
    return response


def _trace_statements(connection: object, _record: object) -> None:
    Psycopg2Instrumentor.instrument_connection(connection)
