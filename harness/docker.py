"""Small wrappers over the docker CLI for the end-to-end tests: containers, networks, HTTP waits."""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid


def docker(*args, check=True, timeout=600, **kwargs):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=timeout, **kwargs)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# The name every project the suite and the bench build is rendered with: their pyproject.toml and
# uv.lock are then one, and the image layers below a project's code are built once on a machine,
# not once per test (where each build step costs seconds, as on fuse-overlayfs).
PROJECT_NAME = "demo-api"


def stack_environment(image: str, postgres_image: str, name: str) -> dict[str, str]:
    """What a rendered project's Makefile and compose files read, for a stack of its own: its
    compose project name, free host ports, the images under test, and an app image to remove."""
    return {
        **os.environ,
        "COMPOSE_PROJECT_NAME": unique(f"shallot-e2e-{name}"),
        "HTTP_PORT": str(free_port()),
        "POSTGRES_PORT": str(free_port()),
        "POSTGRES_IMAGE": postgres_image,
        "SHALLOT_IMAGE": image,
        "APP_IMAGE": f"{unique(f'shallot-e2e/{name}')}:latest",
    }


def socket_group() -> str:
    """The group that owns the Docker socket, for --group-add: a non-root container user can then use it."""
    return str(os.stat("/var/run/docker.sock").st_gid)


def published_port(container: str, port: int) -> int:
    mapping = docker("port", container, f"{port}/tcp").stdout.splitlines()[0]
    return int(mapping.rsplit(":", 1)[1])


def wait_for_health(container: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = docker("inspect", "--format", "{{.State.Health.Status}}", container).stdout.strip()
        if status == "healthy":
            return
        time.sleep(0.3)
    raise AssertionError(f"{container} not healthy after {timeout}s:\n{docker('logs', container, check=False).stderr}")


def wait_for_http(url: str, status: int = 200, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                last = response.status
        except urllib.error.HTTPError as error:
            last = error.code
        except OSError as error:
            last = error
        if last == status:
            return
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer {status} within {timeout}s (last: {last})")


class Http:
    """Requests to one base URL, with these headers unless told otherwise (a header given as None
    is not sent), returning (status, headers, parsed JSON or text)."""

    def __init__(self, base: str, headers: dict | None = None):
        self.base = base
        self.headers = dict(headers or {})

    def request(self, method, path, body=None, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        sent = {name: value for name, value in {**self.headers, **(headers or {})}.items() if value is not None}
        if data is not None and raw is None:
            sent.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, _parse(response.read(), response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.headers, _parse(error.read(), error.headers)


def _parse(payload: bytes, headers):
    if "json" in (headers.get("Content-Type") or ""):
        return json.loads(payload) if payload else None
    return payload.decode(errors="replace")


def compose_command() -> list[str]:
    """`docker compose` where the plugin exists, else `docker-compose`."""
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
