"""The rendered project, for real: its own test suite inside its image (testcontainers through
the mounted Docker socket), then the service under gunicorn, nginx and supervisor
(shallot-serve) against PostgreSQL,
exercised over HTTP including every error case."""

import re
import subprocess
import time

import pytest
from openapi_spec_validator import validate

from harness import issuer
from tests.e2e.conftest import HTTP_PORT, ORIGIN
from harness.docker import Http, docker, published_port, socket_group, unique, wait_for_http

pytestmark = pytest.mark.alone  # judged under load or against a clock: run with nothing beside it



def test_the_generated_suite_passes_inside_its_image(project_image, postgres_image):
    started = time.monotonic()
    result = docker(
        "run", "--rm", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--group-add", socket_group(),
        "-e", f"POSTGRES_IMAGE={postgres_image}", project_image,
        "python", "-m", "unittest", "discover", "-s", "tests",
        check=False, timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    ran = int(re.search(r"^Ran (\d+) tests?", output, re.MULTILINE).group(1))
    assert ran >= 30, output[-2000:]
    assert re.search(r"^OK\b", output, re.MULTILINE) and "skipped" not in output.splitlines()[-1]
    print(f"generated suite: {ran} tests in {time.monotonic() - started:.1f}s")


def assert_error(response, status, code):
    got_status, headers, body = response
    assert got_status == status, body
    assert headers["Content-Type"].startswith("application/json")
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def test_health_and_readiness(service):
    http = service["http"]
    assert http.request("GET", "/healthz")[0] == 200
    assert http.request("GET", "/readyz")[0] == 200


def test_todos_lifecycle(service):
    http = service["http"]
    status, headers, created = http.request("POST", "/v1/todos", {"title": "  write the e2e test  "})
    assert status == 201
    assert created["title"] == "write the e2e test" and created["done"] is False
    assert headers["Location"] == f"/v1/todos/{created['id']}"
    assert http.request("GET", f"/v1/todos/{created['id']}")[2] == created
    status, _, updated = http.request("PATCH", f"/v1/todos/{created['id']}", {"done": True})
    assert status == 200 and updated["done"] is True and updated["completed_at"]
    assert_error(http.request("PATCH", f"/v1/todos/{created['id']}", {"done": True}), 409, "conflict")
    status, _, page = http.request("GET", "/v1/todos?done=true&per_page=100")
    assert status == 200 and created["id"] in [todo["id"] for todo in page["items"]]
    assert all(todo["done"] for todo in page["items"])
    assert http.request("DELETE", f"/v1/todos/{created['id']}")[0] == 204
    assert_error(http.request("GET", f"/v1/todos/{created['id']}"), 404, "not_found")


def test_pagination(service):
    http = service["http"]
    for number in range(3):
        assert http.request("POST", "/v1/todos", {"title": f"page item {number}"})[0] == 201
    status, _, page = http.request("GET", "/v1/todos?page=1&per_page=2")
    assert status == 200 and len(page["items"]) == 2 and page["total"] >= 3 and page["per_page"] == 2
    assert_error(http.request("GET", "/v1/todos?per_page=100000"), 422, "validation_error")
    assert_error(http.request("GET", "/v1/todos?page=0"), 422, "validation_error")
    assert_error(http.request("GET", "/v1/todos?page=99999999999999999999"), 422, "validation_error")


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("POST", "/v1/todos", {"raw": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "bad_request"),
        ("POST", "/v1/todos", {"raw": b"title=x", "headers": {"Content-Type": "text/plain"}}, 415, "unsupported_media_type"),
        ("POST", "/v1/todos", {"raw": b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}',
                               "headers": {"Content-Type": "application/json"}}, 413, "payload_too_large"),
        ("GET", "/v1/todos/999999999", {}, 404, "not_found"),
        ("GET", "/no/such/route", {}, 404, "not_found"),
        ("PUT", "/v1/todos", {"body": {"title": "x"}}, 405, "method_not_allowed"),
    ],
)
def test_errors_have_one_json_shape(service, method, path, kwargs, status, code):
    assert_error(service["http"].request(method, path, **kwargs), status, code)


@pytest.mark.parametrize("title", ["", "   ", "x" * 201, "a\x00b", "\n\x0b\x1f"])
def test_validation_errors_name_the_field(service, title):
    error = assert_error(service["http"].request("POST", "/v1/todos", {"title": title}), 422, "validation_error")
    assert "title" in error["details"]


@pytest.mark.parametrize("body", [{"done": 0}, {"done": "yes"}, {}, {"title": "   "}])
def test_patch_takes_only_what_the_document_allows(service, body):
    status, _, created = service["http"].request("POST", "/v1/todos", {"title": "strict patch"})
    assert status == 201
    assert_error(service["http"].request("PATCH", f"/v1/todos/{created['id']}", body), 422, "validation_error")


def test_request_ids_and_security_headers(service):
    status, headers, _ = service["http"].request("GET", "/healthz", headers={"X-Request-ID": "e2e-check-1"})
    assert headers["X-Request-ID"] == "e2e-check-1"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    _, generated, _ = service["http"].request("GET", "/healthz")
    assert generated["X-Request-ID"] and generated["X-Request-ID"] != "e2e-check-1"


def test_a_long_request_line_reaches_the_app_and_one_past_nginx_limit_is_414_in_the_error_shape(service):
    """nginx is the one limit on the request line (8 KiB): what it takes, the app answers; past it,
    nginx answers in the app's error shape (a fuzzer met gunicorn's smaller limit's HTML page)."""
    http = service["http"]
    status, headers, body = http.request("GET", "/v1/todos?page=1&per_page=" + "x" * 6000)
    assert status == 422 and body["error"]["details"]["per_page"], body
    assert headers["X-Request-ID"]
    status, headers, body = http.request("GET", "/v1/todos?page=1&per_page=" + "x" * 9000)
    error = assert_error((status, headers, body), 414, "uri_too_long")
    assert error["details"] == {"max_bytes": 8192}
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])


def test_cors_allows_only_the_configured_origins(service):
    http = service["http"]
    _, allowed, _ = http.request("GET", "/v1/todos", headers={"Origin": ORIGIN})
    assert allowed["Access-Control-Allow-Origin"] == ORIGIN
    _, refused, _ = http.request("GET", "/v1/todos", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in refused


def test_openapi_document_is_valid_and_docs_page_is_locked_down(service):
    status, _, document = service["http"].request("GET", "/openapi.json")
    assert status == 200
    validate(document)
    assert {"/v1/todos", "/v1/todos/{todo_id}"} <= set(document["paths"])
    status, headers, page = service["http"].request("GET", "/docs")
    assert status == 200 and "text/html" in headers["Content-Type"]
    assert "default-src 'none'" in headers["Content-Security-Policy"] or "default-src 'self'" in headers["Content-Security-Policy"]


SUPERVISORCTL = ("supervisorctl", "-c", "/tmp/supervisord.conf")


def _gunicorn_processes(app):
    """gunicorn's master's pid (from supervisor) and its workers' pids."""
    master = docker("exec", app, *SUPERVISORCTL, "pid", "gunicorn").stdout.strip()
    children = docker("exec", app, "cat", f"/proc/{master}/task/{master}/children").stdout.split()
    return master, set(children)


def test_a_graceful_reload_replaces_every_worker_and_keeps_the_master(service):
    master, workers = _gunicorn_processes(service["app"])
    assert master.isdigit() and len(workers) == 2
    reloaded = docker("exec", service["app"], *SUPERVISORCTL, "signal", "HUP", "gunicorn", check=False)
    assert reloaded.returncode == 0, reloaded.stdout + reloaded.stderr
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        same_master, new_workers = _gunicorn_processes(service["app"])
        if len(new_workers) == 2 and not new_workers & workers:
            break
        time.sleep(0.2)
    assert same_master == master, "the master was restarted instead of reloading its workers"
    assert len(new_workers) == 2 and not new_workers & workers, "the workers were not replaced"
    assert service["http"].request("GET", "/v1/todos")[0] == 200


def test_a_project_adds_to_nginx_and_gunicorn_without_copying_their_configuration(service, tmp_path):
    """The two extension points: deploy/nginx.d/*.conf inside nginx's server block, and
    GUNICORN_CMD_ARGS over shallot's gunicorn settings."""
    extension = tmp_path / "nginx.d"
    extension.mkdir()
    (extension / "robots.conf").write_text(
        'location = /robots.txt { default_type text/plain; return 200 "User-agent: *\\nDisallow: /\\n"; }\n'
    )
    extension.chmod(0o755)
    (extension / "robots.conf").chmod(0o644)
    app = unique("shallot-e2e-extended")
    docker("run", "-d", "--name", app, "--network", service["network"], "--read-only", "--tmpfs", "/tmp",
           "-v", f"{extension}:/app/deploy/nginx.d:ro", "-e", "GUNICORN_CMD_ARGS=--workers 3",
           "-p", f"127.0.0.1::{HTTP_PORT}", *service["env"], service["image"])
    try:
        http = Http(f"http://127.0.0.1:{published_port(app, HTTP_PORT)}", service["http"].headers)
        wait_for_http(http.base + "/readyz", 200, timeout=90)
        status, headers, _ = http.request("GET", "/robots.txt")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        assert http.request("GET", "/v1/todos")[0] == 200, "shallot's own locations still answer"
        _, workers = _gunicorn_processes(app)
        assert len(workers) == 3, "GUNICORN_CMD_ARGS's --workers goes over WEB_CONCURRENCY=2"
    finally:
        docker("rm", "--force", app, check=False)


def test_the_workers_write_their_metrics_in_memory(service):
    assert service["http"].request("GET", "/healthz")[0] == 200
    assert "counter_" in docker("exec", service["app"], "ls", "/dev/shm/metrics").stdout
    assert docker("exec", service["app"], "test", "-e", "/tmp/metrics", check=False).returncode == 1


def test_a_bad_setting_stops_the_container_with_one_line_that_names_it(project_image):
    # Production without SECRET_KEY: nothing starts, and the container fails.
    result = subprocess.run(
        ["docker", "run", "--rm", "-e", "APP_ENV=production", "-e", "POSTGRES_PASSWORD=x", project_image],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("shallot-serve: invalid configuration:") and "SECRET_KEY" in line, result.stderr
    assert "supervisord" not in result.stdout + result.stderr.lower()


def test_the_container_exits_non_zero_when_gunicorn_cannot_stay_up(project_image):
    # An app that does not load: gunicorn stops (its worker failed to boot), supervisor gives
    # up, the container fails.
    result = subprocess.run(
        ["docker", "run", "--rm", "--user", "0", "-e", "APP_ENV=development", project_image, "sh", "-c",
         "echo \"raise RuntimeError('no app today')\" >> src/app.py && exec shallot-serve src.app:app"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "no app today" in result.stdout + result.stderr
    assert "shallot-serve: gunicorn could not stay up; exiting 1" in result.stderr, result.stderr[-2000:]


def test_the_rendered_project_is_lint_clean(image, rendered_project, repo):
    hadolint = subprocess.run([str(repo / "build/venv/bin/hadolint"), str(rendered_project / "Dockerfile")],
                              capture_output=True, text=True)
    assert hadolint.returncode == 0, hadolint.stdout + hadolint.stderr
    scripts = [str(path) for path in rendered_project.rglob("*.sh")]
    assert scripts
    shellcheck = subprocess.run(["shellcheck", *scripts], capture_output=True, text=True)
    assert shellcheck.returncode == 0, shellcheck.stdout
    for check in (["check", "."], ["format", "--check", "."]):
        ruff = docker("run", "--rm", "-v", f"{rendered_project}:/work", "-w", "/work", image, "ruff", *check, check=False)
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_fuzzing_finds_no_server_error_and_no_departure_from_the_document(service, repo, tmp_path):
    """schemathesis against /openapi.json: every operation, a bounded number of examples each,
    every check (no 5xx, status codes, content types, headers and bodies as documented)."""
    result = subprocess.run(
        [str(repo / "build/venv/bin/schemathesis"), "run", service["http"].base + "/openapi.json",
         "--checks", "all", "--phases", "examples,fuzzing,stateful", "--max-examples", "40", "--workers", "2",
         "--header", f"Authorization: Bearer {service['token']}", "--no-color"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,  # its cache goes there, not in the repo
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert re.search(r"\d+ generated", result.stdout)
    print("\n".join(result.stdout.splitlines()[-25:]))  # schemathesis's totals, for the record


def test_production_takes_the_issuers_tokens_over_https_and_refuses_the_rest(service):
    """The production profile against a real https issuer on the network (its discovery document
    and keys fetched by the app): a token with the scope passes, a token without it is 403, no
    token or a token for another audience is 401, and the health checks need none."""
    http = service["http"]
    reader = {"Authorization": f"Bearer {issuer.token(service['issuer'], 'todos:read')}"}
    assert http.request("GET", "/v1/todos", headers=reader)[0] == 200
    status, headers, body = http.request("POST", "/v1/todos", {"title": "not mine to write"}, headers=reader)
    assert (status, body["error"]["code"]) == (403, "insufficient_scope")
    assert 'error="insufficient_scope"' in headers["WWW-Authenticate"]
    status, headers, _ = http.request("GET", "/v1/todos", headers={"Authorization": None})
    assert (status, headers["WWW-Authenticate"]) == (401, 'Bearer realm="api"')
    elsewhere = {"Authorization": f"Bearer {issuer.token(service['issuer'], 'todos:read', audience='another-api')}"}
    status, headers, _ = http.request("GET", "/v1/todos", headers=elsewhere)
    assert status == 401 and 'error="invalid_token"' in headers["WWW-Authenticate"]
    for path in ("/healthz", "/readyz", "/openapi.json"):
        assert http.request("GET", path, headers={"Authorization": None})[0] == 200, path


def test_production_refuses_to_start_without_its_issuer(project_image):
    result = subprocess.run(
        ["docker", "run", "--rm", "-e", "APP_ENV=production", "-e", f"SECRET_KEY={'k' * 48}",
         "-e", "POSTGRES_PASSWORD=x", "-e", "AUTH_ISSUER=http://issuer:9000", project_image],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "AUTH_ISSUER='http://issuer:9000' is not https" in result.stderr
    assert "AUTH_AUDIENCE is not set" in result.stderr
