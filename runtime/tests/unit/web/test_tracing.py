"""Tracing is on only when the standard OTEL_* variables name an OTLP endpoint; the request's
span is named in headers for nginx's access line."""

from flask import Response
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext

from shallot_runtime.web.tracing import (
    SPAN_ID_HEADER,
    TRACE_ID_HEADER,
    name_the_span,
    tracing_enabled,
)

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}


def test_off_without_an_endpoint():
    assert not tracing_enabled({})
    assert not tracing_enabled({"OTEL_SERVICE_NAME": "demo"})
    assert not tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": " "})


def test_on_with_an_endpoint_for_every_signal_or_for_traces():
    assert tracing_enabled(ENDPOINT)
    assert tracing_enabled(
        {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}
    )


def test_the_standard_switches_turn_it_off():
    assert not tracing_enabled({**ENDPOINT, "OTEL_SDK_DISABLED": "true"})
    assert not tracing_enabled({**ENDPOINT, "OTEL_SDK_DISABLED": " TRUE "})
    assert not tracing_enabled({**ENDPOINT, "OTEL_TRACES_EXPORTER": "none"})


def test_the_current_span_is_named_in_the_response():
    span = SpanContext(trace_id=0x5EED, span_id=0xBEEF, is_remote=False)
    with trace.use_span(NonRecordingSpan(span)):
        response = name_the_span(Response())
    assert response.headers[TRACE_ID_HEADER] == f"{0x5EED:032x}"
    assert response.headers[SPAN_ID_HEADER] == f"{0xBEEF:016x}"


def test_outside_a_span_nothing_is_added():
    response = name_the_span(Response())
    assert TRACE_ID_HEADER not in response.headers
    assert SPAN_ID_HEADER not in response.headers
