"""A read and write load on a Swarm stack, run in a container on the stack's network, as a client
of the service there would be (standard library only, so the project's image can run it):

    python swarm_load.py HOST PORT ROWS OUT

Threads send without pause until SIGTERM, each request on a connection of its own (as clients
of sync servers do), so every request asks Swarm's DNS for the service and goes to the replica
it answers. A lookup that fails, and a connection that fails to open (refused, not answered
within CONNECT_TIMEOUT, or reset as it opened: a replica gone, its address still in DNS;
nothing was sent) are tried again (up to LOOKUPS times, as a client's resolver and connection
pool would), and counted: with the test's `endpoint_mode: dnsrr` the names change as tasks come
and go, where Swarm's default virtual IP never does. Each answer is a JSON line in OUT: what
was asked, when, how long it took, the status or the failure, and the replica's address.
"""

import http.client
import json
import random
import signal
import socket
import sys
import threading
import time

THREADS = 6
TIMEOUT = 5.0
CONNECT_TIMEOUT = 1.0
LOOKUPS = 5


def main(host: str, port: str, rows: str, out: str) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    lock = threading.Lock()
    with open(out, "w", encoding="utf-8") as sink:
        def record(line: dict) -> None:
            with lock:
                sink.write(json.dumps(line) + "\n")

        threads = [
            threading.Thread(target=_send, args=(seed, host, int(port), int(rows), stop, record))
            for seed in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        while not stop.wait(0.5):
            with lock:
                sink.flush()
        for thread in threads:
            thread.join()


def _send(seed, host, port, rows, stop, record):
    rng = random.Random(seed)
    written = 0
    while not stop.is_set():
        kind = rng.choice(["read", "read", "list", "write"])
        line = {"kind": kind}
        if kind == "write":
            written += 1
            line["title"] = f"swarm {seed}-{written}"
            method, path, body = "POST", "/v1/todos", json.dumps({"title": line["title"]}).encode()
        elif kind == "list":
            method, path, body = "GET", "/v1/todos?page=1&per_page=20", None
        else:
            method, path, body = "GET", f"/v1/todos/{rng.randint(1, rows)}", None
        line["at"] = time.time()
        connection = None
        try:
            connection = _connect(host, port, line)
            line["peer"] = connection.host  # the address looked up and connected to
            connection.request(method, path, body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            line.update(status=response.status, retry_after=response.getheader("Retry-After"),
                        body=payload[:200].decode(errors="replace"))
        except (OSError, http.client.HTTPException) as error:
            line.update(status=None, failure=type(error).__name__, error=str(error)[:200])
        finally:
            line["seconds"] = time.time() - line["at"]
            if connection is not None:
                connection.close()
        record(line)


def _connect(host, port, line):
    """A connection to a replica. One that failed to open sent nothing (refused, not answered
    in time, or accepted by a dying replica's kernel and reset before connect() returned: a
    replica gone, its address still in DNS for a moment), so it is tried again on a fresh
    lookup, and counted."""
    for attempt in range(1, LOOKUPS + 1):
        connection = http.client.HTTPConnection(_look_up(host, port, line), port, timeout=CONNECT_TIMEOUT)
        try:
            connection.connect()
        except OSError:
            if attempt == LOOKUPS:
                raise
            line["connects_retried"] = attempt
            time.sleep(0.05)
            continue
        connection.sock.settimeout(TIMEOUT)
        return connection
    raise AssertionError("unreachable")


def _look_up(host, port, line):
    """One replica's address, as Swarm's DNS answers for HOST; a failed lookup is asked again."""
    for attempt in range(1, LOOKUPS + 1):
        try:
            return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0]
        except socket.gaierror:
            if attempt == LOOKUPS:
                raise
            line["lookups_repeated"] = attempt
            time.sleep(0.1)


if __name__ == "__main__":
    main(*sys.argv[1:])
