"""`shallot-dev-issuer token` without a key file asks the running issuer (its POST /token) over
real HTTP on 127.0.0.1, as `make token` does in a project's stack; without --scopes it grants
every scope the project's openapi.json names."""

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from shallot_runtime.auth import (
    DEV_AUDIENCE,
    DevelopmentIssuer,
    IssuerKeys,
    StaticKeys,
    TokenVerifier,
)
from shallot_runtime.auth.cli import main
from shallot_runtime.auth.server import IssuerServer

SRC = Path(__file__).resolve().parents[2] / "src"
CONTRACT = {
    "paths": {
        "/v1/todos": {
            "get": {"security": [{"bearerAuth": ["todos:read"]}]},
            "post": {"security": [{"bearerAuth": ["todos:write"]}]},
        },
        "/healthz": {"get": {}},
    }
}


@pytest.fixture
def issuer():
    """The development issuer served on a free port; it and its URL."""
    server = IssuerServer(("127.0.0.1", 0), DevelopmentIssuer.in_memory())
    url = f"http://127.0.0.1:{server.server_port}"
    server.issuer = DevelopmentIssuer.in_memory(url)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.issuer
    server.shutdown()
    server.server_close()


def run(*arguments):
    environment = {"APP_ENV": "development", "AUTH_AUDIENCE": "", "AUTH_DEV_ISSUER_KEY": ""}
    return CliRunner().invoke(main, list(arguments), env=environment)


def claims_of(issuer, token, audience=DEV_AUDIENCE):
    verifier = TokenVerifier(StaticKeys(issuer.jwks()), issuer=issuer.issuer, audience=audience)
    return verifier.verify(token)


def test_the_running_issuer_signs_the_token_asked_for(issuer):
    result = run(
        "token", "--issuer", issuer.issuer, "--sub", "bob", "--scopes", "a:read", "--ttl", "5m"
    )
    assert result.exit_code == 0, result.output
    claims = claims_of(issuer, result.stdout.strip())
    assert (claims.subject, claims.scopes) == ("bob", {"a:read"})
    assert claims.claims["exp"] - claims.claims["iat"] == 300


def test_without_scopes_it_grants_every_scope_the_contract_names(issuer, tmp_path, monkeypatch):
    (tmp_path / "openapi.json").write_text(json.dumps(CONTRACT))
    monkeypatch.chdir(tmp_path)
    result = run("token", "--issuer", issuer.issuer, "--audience", "my-api")
    assert result.exit_code == 0, result.output
    claims = claims_of(issuer, result.stdout.strip(), audience="my-api")
    assert claims.scopes == {"todos:read", "todos:write"}


def test_an_issuer_that_is_not_running_is_one_line_and_exit_1(issuer):
    result = run("token", "--issuer", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "shallot-dev-issuer: the development issuer at http://127.0.0.1:9 is not reachable"
    )
    assert result.stderr.count("\n") == 1


def test_a_refused_request_says_why(issuer):
    result = run("token", "--issuer", issuer.issuer, "--sub", " ")
    assert (result.exit_code, result.stderr) == (
        1,
        f"shallot-dev-issuer: the issuer at {issuer.issuer} refused: sub and aud are required\n",
    )


def test_serve_over_https_with_a_certificate(tmp_path):
    """What production's https rule needs to run against the development issuer (the e2e tests)."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", tmp_path / "tls.key", "-out", tmp_path / "tls.crt", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"https://localhost:{port}"
    server = subprocess.Popen(
        [sys.executable, "-c", "from shallot_runtime.auth.cli import main; main()", "serve",
         "--host", "127.0.0.1", "--port", str(port), "--issuer", url,
         "--key", tmp_path / "key.json", "--tls-cert", tmp_path / "tls.crt",
         "--tls-key", tmp_path / "tls.key"],
        env={**os.environ, "PYTHONPATH": str(SRC), "APP_ENV": "development"},
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        context = ssl.create_default_context(cafile=tmp_path / "tls.crt")
        deadline = time.monotonic() + 10
        while True:
            try:
                _get_json(f"{url}/healthz", context, timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline, server.stderr.read1().decode()
                time.sleep(0.1)
        keys = IssuerKeys(url, fetch=lambda u, timeout: _get_json(u, context, timeout))
        issuer = DevelopmentIssuer.from_key_file(tmp_path / "key.json", issuer=url)
        assert keys.key(issuer.kid).key_id == issuer.kid
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get_json(url, context, timeout):
    with urllib.request.urlopen(url, context=context, timeout=timeout) as response:
        return json.loads(response.read())
