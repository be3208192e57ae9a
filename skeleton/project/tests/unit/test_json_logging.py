"""The JSON log line's fields: the request id, and the trace's ids when a span is active."""

import json
import logging
import unittest

from opentelemetry.sdk.trace import TracerProvider

from src.json_logging import JsonFormatter
from tests.support.app import make_fake_app


def log_line(message: str = "hello", **attributes: object) -> dict:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, message, None, None)
    record.__dict__.update(attributes)
    return json.loads(JsonFormatter().format(record))


class JsonLoggingTest(unittest.TestCase):
    def test_a_line_outside_requests_and_spans(self):
        line = log_line()
        self.assertEqual((line["level"], line["logger"], line["message"]), ("INFO", "app", "hello"))
        self.assertFalse({"request_id", "trace_id", "span_id"} & set(line))

    def test_a_records_fields_are_keys_of_their_own(self):
        line = log_line(fields={"status": 404, "user_agent": 'a\\b "c"'})
        self.assertEqual((line["status"], line["user_agent"]), (404, 'a\\b "c"'))

    def test_a_line_in_a_request_has_its_id(self):
        app = make_fake_app()
        with app.test_request_context(headers={"X-Request-ID": "req-1"}):
            app.preprocess_request()
            self.assertEqual(log_line()["request_id"], "req-1")

    def test_a_line_in_a_span_has_its_trace_and_span_ids(self):
        tracer = TracerProvider().get_tracer(__name__)
        with tracer.start_as_current_span("work") as span:
            line = log_line()
        context = span.get_span_context()
        self.assertEqual(line["trace_id"], f"{context.trace_id:032x}")
        self.assertEqual(line["span_id"], f"{context.span_id:016x}")
        self.assertRegex(line["trace_id"], r"^[0-9a-f]{32}$")
