"""Access tokens over real HTTP on 127.0.0.1: the development issuer's server (in a thread, and
`shallot-dev-issuer serve` as a process) and the app served by werkzeug, whose keys come from
the issuer by discovery. The issuer rotates its key while requests keep coming: tokens of the
new key are accepted after exactly one fetch of the JWKS; made-up kids fetch it at most once
per interval."""

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from werkzeug.serving import WSGIRequestHandler, make_server

from shallot_runtime.auth import DEV_AUDIENCE, DevelopmentIssuer, IssuerKeys, TokenVerifier
from shallot_runtime.auth.server import IssuerServer
from tests.support import tokens
from tests.support.secured_app import make_secured_app

MIN_REFRESH = 0.5  # seconds between fetches of the JWKS, at most one
SRC = Path(__file__).resolve().parents[2] / "src"


class RotatingIssuer:
    """The development issuer whose key the test replaces; when its JWKS was served."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.current = DevelopmentIssuer.in_memory(url)
        self.jwks_served_at: list[float] = []

    def rotate(self) -> DevelopmentIssuer:
        self.current = DevelopmentIssuer.in_memory(self.url)  # a new kid; the old key is gone
        return self.current

    def discovery(self) -> dict:
        return self.current.discovery()

    def jwks(self) -> dict:
        self.jwks_served_at.append(time.monotonic())
        return self.current.jwks()


class QuietRequests(WSGIRequestHandler):
    def log_request(self, *_args: object) -> None:
        """The test's own requests: no line each."""


def serve_in_thread(test: unittest.TestCase, server) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    test.addCleanup(server.server_close)
    test.addCleanup(server.shutdown)


def get(url: str, token: str | None = None) -> tuple[int, dict]:
    """The status and headers of GET url, with the token if given."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def made_up_kid_token() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return jwt.encode(tokens.claims(), key, algorithm="ES256", headers={"kid": uuid.uuid4().hex})


class KeyRotationTest(unittest.TestCase):
    def setUp(self):
        issuer_server = IssuerServer(("127.0.0.1", 0), issuer=None)  # its issuer names its port
        self.issuer = RotatingIssuer(f"http://127.0.0.1:{issuer_server.server_port}")
        issuer_server.issuer = self.issuer
        serve_in_thread(self, issuer_server)
        keys = IssuerKeys(self.issuer.url, min_refresh=MIN_REFRESH, ttl=3600, timeout=2)
        verifier = TokenVerifier(keys, issuer=self.issuer.url, audience=DEV_AUDIENCE)
        app_server = make_server(
            "127.0.0.1", 0, make_secured_app(verifier), threaded=True, request_handler=QuietRequests
        )
        serve_in_thread(self, app_server)
        self.notes = f"http://127.0.0.1:{app_server.port}/v1/notes"

    def token(self, issuer: DevelopmentIssuer | None = None) -> str:
        return (issuer or self.issuer.current).token(scopes=["notes:read"])

    def test_a_rotated_key_is_taken_after_one_fetch_while_requests_keep_coming(self):
        old_token = self.token()
        self.assertEqual(get(self.notes, old_token)[0], 200)
        self.assertEqual(len(self.issuer.jwks_served_at), 1)
        time.sleep(MIN_REFRESH)  # the next unknown kid may fetch again

        statuses: list[tuple[str, int]] = []
        stop = threading.Event()

        def keep_calling() -> None:  # a client with a fresh token a call, whichever key is current
            while not stop.is_set():
                issuer = self.issuer.current
                statuses.append((issuer.kid, get(self.notes, self.token(issuer))[0]))

        caller = threading.Thread(target=keep_calling)
        caller.start()
        time.sleep(0.2)
        new = self.issuer.rotate()
        with ThreadPoolExecutor(8) as pool:  # eight callers at once with the new key's tokens
            new_key_statuses = list(
                pool.map(lambda _: get(self.notes, self.token(new))[0], range(32))
            )
        time.sleep(0.2)
        stop.set()
        caller.join()

        self.assertEqual(set(new_key_statuses), {200})
        self.assertEqual(len(self.issuer.jwks_served_at), 2)  # exactly one fetch more
        self.assertEqual({status for kid, status in statuses if kid == new.kid}, {200})
        self.assertLessEqual({status for _kid, status in statuses}, {200, 401})
        status, headers = get(self.notes, old_token)  # signed by the key the issuer dropped
        self.assertEqual(status, 401)
        self.assertIn('error="invalid_token"', headers["WWW-Authenticate"])

    def test_a_burst_of_made_up_kids_fetches_at_most_once_per_interval(self):
        self.assertEqual(get(self.notes, self.token())[0], 200)
        started, duration = time.monotonic(), 4 * MIN_REFRESH

        def call_until_done(_: int) -> set[int]:
            seen = set()
            while time.monotonic() - started < duration:
                seen.add(get(self.notes, made_up_kid_token())[0])
            return seen

        with ThreadPoolExecutor(8) as pool:
            seen = set().union(*pool.map(call_until_done, range(8)))

        self.assertEqual(seen, {401})
        fetches = self.issuer.jwks_served_at
        self.assertGreaterEqual(len(fetches), 2)  # it does look again
        self.assertLessEqual(len(fetches), 2 + duration / MIN_REFRESH)  # the first, one an interval
        gaps = [later - earlier for earlier, later in itertools.pairwise(fetches)]
        self.assertGreaterEqual(min(gaps), MIN_REFRESH * 0.9, gaps)
        self.assertEqual(get(self.notes, self.token())[0], 200)  # and keeps serving


class ServeCommandTest(unittest.TestCase):
    """`shallot-dev-issuer serve` as a process: its documents, a line per request, SIGTERM."""

    def test_serves_the_issuer_and_stops_on_sigterm(self):
        key_file = Path(self.enterContext(tempfile.TemporaryDirectory())) / "key.json"
        issuer_url = "http://issuer.test:9000"
        process = subprocess.Popen(
            [sys.executable, "-c", "from shallot_runtime.auth.cli import main; main()", "serve",
             "--host", "127.0.0.1", "--port", "0", "--issuer", issuer_url, "--key", key_file],
            stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(SRC), "APP_ENV": "development"},
        )  # fmt: skip
        self.addCleanup(process.kill)
        first_line = process.stderr.readline()
        port = int(re.search(r"on 127\.0\.0\.1:(\d+)$", first_line.strip())[1])
        base = f"http://127.0.0.1:{port}"

        with urllib.request.urlopen(f"{base}/.well-known/openid-configuration") as response:
            discovery = json.load(response)
        self.assertEqual(discovery["issuer"], issuer_url)
        self.assertEqual(discovery["jwks_uri"], f"{issuer_url}/jwks.json")
        with urllib.request.urlopen(f"{base}/jwks.json") as response:
            (key,) = json.load(response)["keys"]
        self.assertEqual(key["kid"], DevelopmentIssuer.from_key_file(key_file).kid)
        self.assertEqual(get(f"{base}/healthz")[0], 200)
        self.assertEqual(get(f"{base}/nothing")[0], 404)

        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=10), 0)
        lines = process.stderr.read().splitlines()
        self.assertEqual(
            [line.split(" ", 1)[1] for line in lines],
            [
                "GET /.well-known/openid-configuration 200",
                "GET /jwks.json 200",
                "GET /healthz 200",
                "GET /nothing 404",
            ],
        )
