"""The JSON log line's fields: the request id, and the trace's ids when a span is active."""

import json
import logging
import sys

from opentelemetry.sdk.trace import TracerProvider

from shallot_runtime.web.json_logs import JsonFormatter, logging_config
from tests.support.web_app import make_web_app


def log_line(message: str = "hello", exc_info=None, **attributes: object) -> dict:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, message, None, exc_info)
    record.__dict__.update(attributes)
    return json.loads(JsonFormatter().format(record))


def test_a_line_outside_requests_and_spans():
    line = log_line()
    assert (line["level"], line["logger"], line["message"]) == ("INFO", "app", "hello")
    assert line["time"].endswith("+00:00")
    assert not {"request_id", "trace_id", "span_id", "exception"} & set(line)


def test_a_records_fields_are_keys_of_their_own():
    line = log_line(fields={"status": 404, "user_agent": 'a\\b "c"'})
    assert (line["status"], line["user_agent"]) == (404, 'a\\b "c"')


def test_a_line_in_a_request_has_its_id():
    app = make_web_app()
    with app.test_request_context(headers={"X-Request-ID": "req-1"}):
        app.preprocess_request()
        assert log_line()["request_id"] == "req-1"


def test_a_line_in_a_span_has_its_trace_and_span_ids():
    tracer = TracerProvider().get_tracer(__name__)
    with tracer.start_as_current_span("work") as span:
        line = log_line()
    context = span.get_span_context()
    assert line["trace_id"] == f"{context.trace_id:032x}"
    assert line["span_id"] == f"{context.span_id:016x}"


def test_an_exception_is_on_its_line():
    try:
        raise ValueError("broken")
    except ValueError:
        line = log_line(exc_info=sys.exc_info())
    assert line["exception"].startswith("Traceback")
    assert "ValueError: broken" in line["exception"]


def test_the_root_logger_writes_json_on_stdout_at_the_level_given():
    config = logging_config("WARNING")
    assert config["root"] == {"level": "WARNING", "handlers": ["stdout"]}
    assert config["handlers"]["stdout"]["stream"] == "ext://sys.stdout"
    assert config["formatters"]["json"]["()"] is JsonFormatter
