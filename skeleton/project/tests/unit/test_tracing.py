"""Tracing is on only when the standard OTEL_* variables name an OTLP endpoint; the request's
span is named in headers for nginx's access line."""

import unittest

from flask import Response
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext

from src.tracing import SPAN_ID_HEADER, TRACE_ID_HEADER, name_the_span, tracing_enabled

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}


class TracingSwitchTest(unittest.TestCase):
    def test_off_without_an_endpoint(self):
        self.assertFalse(tracing_enabled({}))
        self.assertFalse(tracing_enabled({"OTEL_SERVICE_NAME": "demo"}))

    def test_on_with_an_endpoint_for_every_signal_or_for_traces(self):
        self.assertTrue(tracing_enabled(ENDPOINT))
        traces = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}
        self.assertTrue(tracing_enabled(traces))

    def test_the_standard_switches_turn_it_off(self):
        self.assertFalse(tracing_enabled({**ENDPOINT, "OTEL_SDK_DISABLED": "true"}))
        self.assertFalse(tracing_enabled({**ENDPOINT, "OTEL_TRACES_EXPORTER": "none"}))


class SpanHeadersTest(unittest.TestCase):
    def test_the_current_span_is_named_in_the_response(self):
        span = SpanContext(trace_id=0x5EED, span_id=0xBEEF, is_remote=False)
        with trace.use_span(NonRecordingSpan(span)):
            response = name_the_span(Response())
        self.assertEqual(response.headers[TRACE_ID_HEADER], f"{0x5EED:032x}")
        self.assertEqual(response.headers[SPAN_ID_HEADER], f"{0xBEEF:016x}")

    def test_outside_a_span_nothing_is_added(self):
        response = name_the_span(Response())
        self.assertNotIn(TRACE_ID_HEADER, response.headers)
        self.assertNotIn(SPAN_ID_HEADER, response.headers)
