"""Tracing is on only when the standard OTEL_* variables name an OTLP endpoint."""

import unittest

from src.tracing import tracing_enabled

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
