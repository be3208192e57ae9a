"""shallot-dev-issuer token: the token alone on stdout, a bad value one line and exit 2, and no
run at all with APP_ENV=production. (`serve` is tested over HTTP: tests/integration.)"""

import socket

import pytest
from click.testing import CliRunner

from shallot_runtime.auth import DEV_AUDIENCE, DevelopmentIssuer, StaticKeys, TokenVerifier
from shallot_runtime.auth.cli import main

ISSUER = "http://127.0.0.1:9000"


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / "key.json"


def run(*arguments, env=None):
    environment = {"APP_ENV": "development", "AUTH_ISSUER": "", "AUTH_AUDIENCE": "", **(env or {})}
    return CliRunner().invoke(main, list(arguments), env=environment)


def verifier_of(key_file, issuer=ISSUER, audience=DEV_AUDIENCE):
    jwks = DevelopmentIssuer.from_key_file(key_file, issuer=issuer).jwks()
    return TokenVerifier(StaticKeys(jwks), issuer=issuer, audience=audience)


def test_token_prints_a_token_that_verifies_and_nothing_else(key_file):
    result = run(
        "token", "--sub", "bob", "--scopes", "todos:read, todos:write", "--ttl", "15m",
        "--issuer", ISSUER, "--key", str(key_file),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    claims = verifier_of(key_file).verify(token)
    assert (claims.subject, claims.scopes) == ("bob", {"todos:read", "todos:write"})
    assert claims.claims["exp"] - claims.claims["iat"] == 15 * 60


def test_the_issuer_audience_and_key_come_from_the_environment(key_file):
    env = {"AUTH_ISSUER": ISSUER, "AUTH_AUDIENCE": "my-api", "AUTH_DEV_ISSUER_KEY": str(key_file)}
    result = run("token", env=env)
    assert result.exit_code == 0, result.output
    claims = verifier_of(key_file, audience="my-api").verify(result.stdout.strip())
    assert (claims.subject, claims.scopes) == ("alice", frozenset())


@pytest.mark.parametrize("ttl", ["1", "1w", "0s", "-5m", "1.5h", "h"])
def test_a_bad_ttl_is_one_line_and_exit_2(key_file, ttl):
    result = run("token", "--ttl", ttl, "--key", str(key_file))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"shallot-dev-issuer: --ttl {ttl!r} is not a duration like 30s, 15m, 1h or 7d.\n"
    )
    assert not key_file.exists()


@pytest.mark.parametrize("command", ["token", "serve"])
@pytest.mark.parametrize("app_env", ["production", " Production "])
def test_production_is_refused_in_one_line_with_exit_2(key_file, command, app_env):
    result = run(command, "--key", str(key_file), env={"APP_ENV": app_env})
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("shallot-dev-issuer: refused with APP_ENV=production:")
    assert not key_file.exists()


def test_a_broken_key_file_is_one_line_and_exit_1(key_file):
    key_file.write_text("not json")
    result = run("token", "--key", str(key_file))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"shallot-dev-issuer: {key_file} is not a development issuer's key")


def test_a_port_taken_is_one_line_and_exit_1(key_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--host", "127.0.0.1", "--port", str(port), "--key", str(key_file))
    assert result.exit_code == 1
    assert result.stderr == (
        f"shallot-dev-issuer: cannot listen on 127.0.0.1:{port} (Address already in use)\n"
    )
