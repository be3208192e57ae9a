"""Slow clients and big bodies, against the running service: a body over the limit gets 413 before
it has been sent in full, declared or chunked; a client that stalls mid-request does not keep the
service from answering others (nginx holds it, and drops it after its client timeouts), and its
connection is closed."""

import http.client
import json
import socket
import threading
import time

import pytest

from tests.e2e.conftest import start_service
from harness.docker import docker, unique

pytestmark = pytest.mark.alone  # judged under load or against a clock: run with nothing beside it

LIMIT = 1024 * 1024  # MAX_CONTENT_LENGTH's default
WORKER_TIMEOUT = 5  # what a sync worker would have waited for: no worker waits at all behind nginx


def open_connection(base, timeout=15):
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def read_response(sock):
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, response.getheader("Content-Type"), response.read()


def post_head(extra, token=None):
    authorization = b"Authorization: Bearer %s\r\n" % token.encode() if token else b""
    return (b"POST /v1/todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n" + authorization
            + extra + b"\r\n")


def assert_too_large(status, content_type, body):
    assert status == 413, body[:300]
    assert content_type.startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "payload_too_large" and error["details"] == {"max_bytes": LIMIT}


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(service):
    with open_connection(service["http"].base) as sock:
        sock.sendall(post_head(b"Content-Length: %d\r\n" % (100 * LIMIT), service["token"]))
        sock.sendall(b"x" * 65536)  # 64 KiB of the 100 MiB promised; the rest never comes
        assert_too_large(*read_response(sock))


def test_a_chunked_body_over_the_limit_is_refused_once_past_the_limit(service):
    with open_connection(service["http"].base) as sock:
        sock.sendall(post_head(b"Transfer-Encoding: chunked\r\n", service["token"]))
        chunk = b"x" * 65536
        sent = 0
        sock.settimeout(5)
        try:
            while sent < 2 * LIMIT:  # twice the limit, and no last chunk: the body never ends
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:
            pass  # the service stopped reading, as it should
        sock.settimeout(15)
        assert_too_large(*read_response(sock))


@pytest.fixture(scope="module")
def one_worker(service):
    """Another instance beside the service's: one worker."""
    name = unique("shallot-e2e-app-1w")
    try:
        yield start_service(name, service["network"], service["env"], service["image"],
                            ["WEB_CONCURRENCY=1"])
    finally:
        docker("rm", "--force", name, check=False)


STALLS = {
    "in the headers": b"GET /v1/todos HTTP/1.1\r\nHost: test\r\nX-Slow: ",
    "in the body": post_head(b"Content-Length: 100\r\n") + b'{"title": "sl',
}


@pytest.mark.parametrize("where", STALLS)
def test_a_stalled_client_holds_the_worker_no_longer_than_the_timeout(one_worker, where):
    with open_connection(one_worker, timeout=WORKER_TIMEOUT + 15) as stalled:
        stalled.sendall(STALLS[where])
        time.sleep(0.5)  # the worker has taken the connection and waits for the rest
        closed = {}
        watcher = threading.Thread(target=lambda: closed.update(at=_wait_closed(stalled)))
        watcher.start()
        asked = time.monotonic()
        with open_connection(one_worker, timeout=WORKER_TIMEOUT + 15) as other:
            other.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            status, _, _ = read_response(other)
        answered = time.monotonic()
        watcher.join(WORKER_TIMEOUT + 15)
    assert status == 200
    # The other request waited for the stalled one's worker to be replaced, and not much longer.
    assert answered - asked < WORKER_TIMEOUT + 8, f"answered after {answered - asked:.1f}s"
    assert closed.get("at") is not None, "the stalled connection was never closed"
    print(f"\nstall {where}: the stalled connection closed after {closed['at'] - asked:.1f}s, "
          f"the next request answered after {answered - asked:.1f}s (worker timeout {WORKER_TIMEOUT}s)")


def _wait_closed(sock):
    """When the service closed the connection (end of stream or reset), or None if it did not."""
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except OSError:
        pass
    return time.monotonic()
