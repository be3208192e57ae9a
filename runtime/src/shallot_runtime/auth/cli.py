"""shallot-dev-issuer: the development issuer, for the development and test profiles only.

    shallot-dev-issuer serve [--host 0.0.0.0] [--port 9000] [--issuer URL] [--key FILE]
                             [--tls-cert FILE --tls-key FILE]
    shallot-dev-issuer token [--sub alice] [--scopes "todos:read todos:write"] [--ttl 1h]
                             [--audience shallot-dev] [--issuer URL] [--key FILE]

`token` prints the token alone, for `curl -H "Authorization: Bearer $(make token)"`: signed
with the key file if one is given, else asked of the issuer that `serve` runs (its POST /token),
which keeps the key. Without --scopes it grants every scope that ./openapi.json names. The
issuer, audience and key file default from AUTH_ISSUER, AUTH_AUDIENCE and AUTH_DEV_ISSUER_KEY.
With APP_ENV=production it refuses to run. A bad option is one line on stderr and exit 2.
"""

import json
import os
import re
import signal
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

import click

from shallot_runtime.auth.development import DEFAULT_KEY_FILE, DevelopmentIssuer
from shallot_runtime.auth.server import TOKEN_PATH, IssuerServer
from shallot_runtime.auth.settings import DEV_AUDIENCE, DEV_ISSUER

NAME = "shallot-dev-issuer"
DURATION = re.compile(r"(\d+)([smhd])")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}

issuer_option = click.option(
    "--issuer", envvar="AUTH_ISSUER", default=DEV_ISSUER, show_default=True,
    help="The issuer's URL: the tokens' iss (AUTH_ISSUER).",
)  # fmt: skip
key_option = click.option(
    "--key", "key_file", envvar="AUTH_DEV_ISSUER_KEY", default=str(DEFAULT_KEY_FILE),
    show_default=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The signing key's file, made on first use (AUTH_DEV_ISSUER_KEY).",
)  # fmt: skip
CONTRACT = Path("openapi.json")
REQUEST_TIMEOUT = 5


def print_line(line: str) -> None:
    click.echo(line, err=True)


def refuse(message: str, status: int = 2) -> NoReturn:
    click.echo(f"{NAME}: {message}", err=True)
    sys.exit(status)


def load_issuer(key_file: Path, issuer: str) -> DevelopmentIssuer:
    try:
        return DevelopmentIssuer.from_key_file(key_file, issuer=issuer)
    except (ValueError, OSError) as error:
        refuse(str(error), status=1)


def parse_ttl(text: str) -> timedelta:
    """30s, 15m, 1h, 7d."""
    match = DURATION.fullmatch(text.strip())
    if match is None or int(match[1]) == 0:
        refuse(f"--ttl {text!r} is not a duration like 30s, 15m, 1h or 7d.")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


@click.group(help="The development issuer: access tokens offline, for development and tests.")
def main() -> None:
    if os.environ.get("APP_ENV", "").strip().lower() == "production":
        refuse(
            "refused with APP_ENV=production: anyone can mint the development issuer's tokens;"
            " production takes them from your identity provider (AUTH_ISSUER)."
        )


@main.command(help="Serve the discovery document, the JWKS and /healthz.")
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 (a container's port)
@click.option("--port", default=9000, show_default=True, type=click.IntRange(0, 65535))
@issuer_option
@key_option
@click.option(
    "--tls-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Serve https with this certificate (PEM): production takes https issuers only.",
)  # fmt: skip
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def serve(
    host: str,
    port: int,
    issuer: str,
    key_file: Path,
    tls_cert: Path | None,
    tls_key: Path | None,
) -> None:
    development_issuer = load_issuer(key_file, issuer)
    try:
        server = IssuerServer((host, port), development_issuer, log=print_line)
    except OSError as error:
        refuse(f"cannot listen on {host}:{port} ({error.strerror})", status=1)
    if tls_cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(tls_cert, tls_key)
        except (ssl.SSLError, OSError) as error:
            refuse(f"--tls-cert {tls_cert} and its key do not load ({error})", status=1)
        server.socket = context.wrap_socket(server.socket, server_side=True)

    def stop(signum: int, _frame: object) -> NoReturn:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(
        f"{NAME}: {issuer} (key {development_issuer.kid}) on {host}:{server.server_port}", err=True
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()


@main.command(help="Print a token, and nothing else.")
@click.option("--sub", "subject", default="alice", show_default=True, help="The caller (sub).")
@click.option(
    "--scopes", default=None,
    help='"todos:read todos:write" (spaces or commas); default: every scope in ./openapi.json.',
)  # fmt: skip
@click.option("--ttl", default="1h", show_default=True, help="How long it lasts: 30s, 15m, 1h, 7d.")
@click.option(
    "--audience", envvar="AUTH_AUDIENCE", default=DEV_AUDIENCE, show_default=True,
    help="The API it is for: the token's aud (AUTH_AUDIENCE).",
)  # fmt: skip
@issuer_option
@click.option(
    "--key", "key_file", envvar="AUTH_DEV_ISSUER_KEY", default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sign with this key file (AUTH_DEV_ISSUER_KEY); without it, ask the issuer at --issuer.",
)  # fmt: skip
def token(
    subject: str, scopes: str | None, ttl: str, audience: str, issuer: str, key_file: Path | None
) -> None:
    lifetime = parse_ttl(ttl)
    scope_list = contract_scopes(CONTRACT) if scopes is None else scopes.replace(",", " ").split()
    if key_file is not None:
        development_issuer = load_issuer(key_file, issuer)
        click.echo(development_issuer.token(subject, scope_list, lifetime, audience))
        return
    form = {
        "sub": subject,
        "scope": " ".join(scope_list),
        "ttl": int(lifetime.total_seconds()),
        "aud": audience,
    }
    click.echo(ask_issuer(issuer, form)["access_token"])


def contract_scopes(contract: Path) -> list[str]:
    """Every scope that the operations of the API's contract require, sorted; none without one."""
    try:
        document = json.loads(contract.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = set()
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for requirement in operation.get("security", []) if isinstance(operation, dict) else []:
                for scopes in requirement.values():
                    found.update(scopes)
    return sorted(found)


def ask_issuer(issuer: str, form: dict[str, Any]) -> dict[str, Any]:
    """The running issuer's answer to POST /token, or one line saying why there is none."""
    url = issuer.rstrip("/") + TOKEN_PATH
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        refuse(f"--issuer {issuer!r} is not an http(s) URL")
    body = urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(url, data=body, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b"{}").get("error_description", f"HTTP {error.code}")
        refuse(f"the issuer at {issuer} refused: {detail}", status=1)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        refuse(
            f"the development issuer at {issuer} is not reachable ({reason}); start the stack"
            " with `make up`, or give --key",
            status=1,
        )
