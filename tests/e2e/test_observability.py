"""Observability end to end: Prometheus, from the project's observability profile, scrapes the
service and reports a request rate; traces reach an OTLP receiver, the request's span parenting
its SQL statements' spans; and the request's access line (nginx's), JSON whatever the client sent,
carries the same trace id, which the client does not see."""

import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tests.e2e.conftest import docker_run, start_service
from harness.docker import PROJECT_NAME, Http, compose_command, docker, free_port, unique
from tests.e2e.otlp_receiver import OtlpReceiver

pytestmark = pytest.mark.alone  # judged under load or against a clock: run with nothing beside it

PROMETHEUS_OFFICIAL_IMAGE = "prom/prometheus:v2.53.0"
PROMETHEUS_STANDIN_IMAGE = "shallot-base/prometheus:2-bookworm"  # image/base/base-images.sh
SERVER, CLIENT = 2, 3  # opentelemetry.proto.trace.v1.Span.SpanKind


@pytest.fixture(scope="session")
def prometheus_image() -> str:
    """SHALLOT_TEST_PROMETHEUS_IMAGE (`make test-e2e` passes base-images.sh's choice), else the
    official image if it is here, else the stand-in."""
    named = os.environ.get("SHALLOT_TEST_PROMETHEUS_IMAGE")
    if named:
        return named
    present = docker("image", "inspect", PROMETHEUS_OFFICIAL_IMAGE, check=False).returncode == 0
    return PROMETHEUS_OFFICIAL_IMAGE if present else PROMETHEUS_STANDIN_IMAGE


@pytest.fixture
def observed_stack(image, postgres_image, prometheus_image, tmp_path):
    """A rendered project's stack with its observability profile up, as `make up-observability`
    starts it: (the service, Prometheus' query URL)."""
    workspace = tmp_path / "work"
    workspace.mkdir()
    # Without authentication: this stack (compose.yaml alone) has no development issuer.
    new = docker_run(image, "new", PROJECT_NAME, "--defaults", "--auth", "none", volumes=[(workspace, "/work")])
    assert new.returncode == 0, new.stderr
    project = workspace / PROJECT_NAME
    shutil.copy(project / ".env.example", project / ".env")
    http_port, prometheus_port = free_port(), free_port()
    env = {
        **os.environ,
        "COMPOSE_PROJECT_NAME": unique("shallot-e2e-obs"),
        "HTTP_PORT": str(http_port),
        "POSTGRES_PORT": str(free_port()),
        "PROMETHEUS_PORT": str(prometheus_port),
        "POSTGRES_IMAGE": postgres_image,
        "PROMETHEUS_IMAGE": prometheus_image,
        "SHALLOT_IMAGE": image,
        "APP_IMAGE": f"{unique('shallot-e2e/obs-demo')}:latest",
    }
    compose = [*compose_command(), "-f", "compose.yaml", "-f", "compose.observability.yaml",
               "--profile", "observability"]

    def run(*args):
        result = subprocess.run([*compose, *args], cwd=project, env=env, capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    try:
        run("up", "-d", "--build", "db", "app", "prometheus")
        yield Http(f"http://127.0.0.1:{http_port}"), f"http://127.0.0.1:{prometheus_port}/api/v1/query"
    finally:
        subprocess.run([*compose, "down", "--volumes", "--rmi", "local"], cwd=project, env=env,
                       capture_output=True)
        subprocess.run(["docker", "image", "rm", "--force", env["APP_IMAGE"]], capture_output=True)


def _query(url: str, promql: str) -> float:
    """The value of a one-series PromQL query; 0 when it has none yet or Prometheus is starting."""
    try:
        with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({'query': promql})}", timeout=5) as response:
            result = json.load(response)["data"]["result"]
    except OSError:
        return 0.0
    return float(result[0]["value"][1]) if result else 0.0


def test_prometheus_in_the_observability_profile_sees_the_request_rate(observed_stack):
    http, query = observed_stack
    rate = 'sum(rate(http_requests_total{route="/healthz", method="GET", status="200"}[30s]))'
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _query(query, rate) == 0:
        for _ in range(20):
            assert http.request("GET", "/healthz")[0] == 200
        time.sleep(1)
    assert _query(query, rate) > 0, "Prometheus saw no request rate in 120 s"
    assert _query(query, "sum(up)") == 1, "Prometheus scrapes the service, and the service is up"
    assert _query(query, 'maintenance_mode{mode="off"}') == 1


def _attributes(span) -> dict:
    return {item.key: item.value.string_value or item.value.int_value for item in span.attributes}


def test_traces_reach_an_otlp_receiver_and_join_the_access_log(service):
    network = service["network"]
    gateway = docker("network", "inspect", "--format", "{{(index .IPAM.Config 0).Gateway}}", network).stdout.strip()
    name = unique("shallot-e2e-traced")
    with OtlpReceiver() as receiver:
        try:
            base = start_service(name, network, service["env"], service["image"], extra_env=[
                f"OTEL_EXPORTER_OTLP_ENDPOINT=http://{gateway}:{receiver.port}",
                "OTEL_SERVICE_NAME=demo-api", "OTEL_BSP_SCHEDULE_DELAY=100",
            ])
            request_id = unique("traced")
            http = Http(base, service["http"].headers)  # with the service's token
            status, headers, _ = http.request("GET", "/v1/todos", headers={"X-Request-ID": request_id})
            assert status == 200
            assert not {"x-trace-id", "x-span-id"} & {name.lower() for name in headers}, headers

            access = _access_line(name, request_id)
            trace_id = bytes.fromhex(access["trace_id"])
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                spans = [span for span in receiver.received() if span.trace_id == trace_id]
                servers = [span for span in spans if span.kind == SERVER]
                if servers and any(span.parent_span_id == servers[0].span_id for span in spans):
                    break
                time.sleep(0.3)
            assert [span.name for span in servers] == ["GET /v1/todos"], [s.name for s in spans]
            server = servers[0]
            assert access["span_id"] == server.span_id.hex()
            statements = [span for span in spans if span.parent_span_id == server.span_id]
            assert statements and all(span.kind == CLIENT for span in statements), [s.name for s in spans]
            assert any(_attributes(span).get("db.system") == "postgresql" for span in statements)
            assert any("todos" in str(_attributes(span).get("db.statement", "")) for span in statements)
        finally:
            docker("rm", "--force", name, check=False)


def test_the_access_line_is_json_whatever_the_client_sent(service):
    """One access line per request, nginx's, with the request's fields: quotes and backslashes
    from the client stay inside their strings (gunicorn's own line broke on a backslash)."""
    request_id = unique("access")
    agent = 'probe\\ "quoted" \\u0041'
    status, _, _ = service["http"].request("GET", "/v1/todos/999999?note=a%5Cb",
                                           headers={"X-Request-ID": request_id, "User-Agent": agent})
    assert status == 404
    access = _access_line(service["app"], request_id)
    fields = {key: access[key] for key in ("level", "method", "path", "query", "status", "user_agent")}
    assert fields == {"level": "INFO", "method": "GET", "path": "/v1/todos/999999", "query": "note=a%5Cb",
                      "status": 404, "user_agent": agent}
    assert access["bytes"] > 0 and access["duration_s"] >= 0
    assert access["remote"], "the client's address, as nginx saw it"
    assert access["trace_id"] == "", "tracing is off"


def test_a_request_nginx_answers_itself_gets_an_access_line_too(service):
    """A request line over nginx's limit never reaches the app: its 414's line carries the request
    id the client was given."""
    status, headers, _ = service["http"].request("GET", "/v1/todos?q=" + "a" * 9000)
    assert status == 414
    request_id = headers["X-Request-ID"]
    access = _access_line(service["app"], request_id)
    assert (access["status"], access["method"]) == (414, "GET")


def _access_line(container: str, request_id: str, timeout: float = 10) -> dict:
    """The access log line of the request with this id (nginx writes it, within a second)."""
    deadline = time.monotonic() + timeout
    while True:
        logs = docker("logs", container, check=False).stdout.splitlines()
        lines = [json.loads(line) for line in logs if f'"request_id": "{request_id}"' in line]
        lines = [line for line in lines if line["logger"] == "access"]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert len(lines) == 1, f"no single access line for {request_id}"
    return lines[0]
