"""What metrics and traces cost: the API under wrk with /metrics on, with tracing on (spans
exported over OTLP/HTTP to a collector on the same network), with both, and with both off, in
the same run, on the same database. The four instances run side by side and take turns, run
after run, so that a change in the machine's load weighs on each alike. The collector counts
the spans it received from each, to show that tracing did export."""

import re

from bench.sections.api import _median_of, _Service, _wrk
from harness.docker import docker, unique

ENDPOINT = ("GET /v1/todos/<id>", "/v1/todos/1")
OFF = "both off"
METRICS_OFF = "METRICS_ENABLED=false"
TRACING_ON = "OTEL_EXPORTER_OTLP_ENDPOINT=http://{collector}:4318"
SETTINGS = {
    OFF: [METRICS_OFF],
    "metrics on": [],
    "tracing on": [METRICS_OFF, TRACING_ON],
    "metrics and tracing on": [TRACING_ON],
}
# A stand-in OpenTelemetry collector: takes OTLP/HTTP trace exports, counts their spans.
COLLECTOR = """
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

class Collector(BaseHTTPRequestHandler):
    def do_POST(self):
        export = ExportTraceServiceRequest.FromString(self.rfile.read(int(self.headers["Content-Length"])))
        for resource in export.resource_spans:
            service = next(a.value.string_value for a in resource.resource.attributes if a.key == "service.name")
            print(f"spans {service} {sum(len(scope.spans) for scope in resource.scope_spans)}", flush=True)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("0.0.0.0", 4318), Collector).serve_forever()
"""


def _service_name(setting: str) -> str:
    return "bench-" + setting.replace(" ", "-")


def _spans_received(collector: str, setting: str) -> int:
    logs = docker("logs", collector, check=False).stdout
    pattern = rf"^spans {re.escape(_service_name(setting))} (\d+)$"
    return sum(int(count) for count in re.findall(pattern, logs, re.MULTILINE))


def measure(context) -> dict:
    concurrencies = (8,) if context.quick else (1, 8)
    seconds = 1 if context.quick else 2
    name, path = ENDPOINT
    runs = {(setting, c): [] for setting in SETTINGS for c in concurrencies}
    apps = {}
    with _Service(context) as service:
        collector = unique("shallot-bench-collector")
        docker("run", "-d", "--name", collector, "--network", service.network, context.project_image,
               "python", "-c", COLLECTOR)
        try:
            for setting, env in SETTINGS.items():
                env = [item.format(collector=collector) for item in env]
                apps[setting] = service.start_app(None, [*env, f"OTEL_SERVICE_NAME={_service_name(setting)}"])
                _wrk(apps[setting][1] + path, None, 8, 1)  # warm-up, not counted
            for concurrency in concurrencies:
                for _ in range(context.slow_runs):
                    for setting, (_, base) in apps.items():
                        runs[setting, concurrency].append(_wrk(base + path, None, concurrency, seconds))
            for app, _ in apps.values():
                docker("stop", "--time", "10", app, check=False)  # the workers send their last spans
            figures = {}
            for (setting, concurrency), measured in runs.items():
                figure = _median_of(measured)
                figure["spans_exported"] = _spans_received(collector, setting)
                figures[f"{setting} | {name} | {concurrency}"] = figure
        finally:
            for app, _ in apps.values():
                docker("rm", "--force", app, check=False)
            docker("rm", "--force", collector, check=False)
    for key, figure in figures.items():
        off = figures[f"{OFF} | {key.split(' | ', 1)[1]}"]
        figure["rps_vs_off"] = round(figure["rps"] / off["rps"], 3)
        figure["p99_vs_off"] = round(figure["p99_ms"] / off["p99_ms"], 3)
    return figures
