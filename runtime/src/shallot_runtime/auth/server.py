"""The development issuer over HTTP, with the standard library's server: its discovery
document, its JWKS and /healthz, as JSON, one log line per request; and `POST /token`, which
gives anyone who reaches it a token (form fields sub, scope, ttl in seconds, aud): `make
token` asks it, from wherever the stack's network reaches, the key staying in the issuer's
container. Only `shallot-dev-issuer serve` serves it, never in production.

The server reads its issuer on every request, so a test can replace it (`server.issuer = ...`)
to rotate the key while it serves.
"""

import json
from collections.abc import Callable
from datetime import timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs

from shallot_runtime.auth.development import JWKS_PATH
from shallot_runtime.auth.keys import DISCOVERY_PATH

TOKEN_PATH = "/token"  # noqa: S105 (a path, not a secret)
MAX_FORM_BYTES = 16 * 1024


class PublishedKeys(Protocol):
    def discovery(self) -> dict[str, Any]: ...

    def jwks(self) -> dict[str, Any]: ...


class TokenIssuer(PublishedKeys, Protocol):
    def token(self, subject: str, scopes: list[str], ttl: timedelta, audience: str) -> str: ...


class IssuerServer(ThreadingHTTPServer):
    daemon_threads = True  # a request in flight does not hold up a stop

    def __init__(
        self,
        address: tuple[str, int],
        issuer: PublishedKeys,
        log: Callable[[str], None] = lambda line: None,
    ) -> None:
        super().__init__(address, IssuerRequests)
        self.issuer = issuer
        self.log = log


class IssuerRequests(BaseHTTPRequestHandler):
    server: IssuerServer
    protocol_version = "HTTP/1.1"  # keeps the connection: the app's fetches are short

    def do_GET(self) -> None:
        path = self.path.partition("?")[0]
        issuer = self.server.issuer
        documents: dict[str, Callable[[], dict[str, Any]]] = {
            DISCOVERY_PATH: issuer.discovery,
            JWKS_PATH: issuer.jwks,
            "/healthz": lambda: {"status": "ok"},
        }
        document = documents.get(path)
        if document is None:
            self._send(HTTPStatus.NOT_FOUND, {"error": f"no {path} here"})
        else:
            self._send(HTTPStatus.OK, document())

    def do_POST(self) -> None:
        issuer = self.server.issuer
        if self.path.partition("?")[0] != TOKEN_PATH or not hasattr(issuer, "token"):
            self._send(HTTPStatus.NOT_FOUND, {"error": f"no {self.path} here"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_FORM_BYTES:
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "invalid_request"})
            return
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        try:
            token, seconds = _token_for(issuer, {name: values[0] for name, values in form.items()})
        except ValueError as error:
            refusal = {"error": "invalid_request", "error_description": str(error)}
            self._send(HTTPStatus.BAD_REQUEST, refusal)
            return
        self._send(
            HTTPStatus.OK, {"access_token": token, "token_type": "Bearer", "expires_in": seconds}
        )

    def _send(self, status: HTTPStatus, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.server.log(f"{self.address_string()} {self.command} {self.path} {code}")

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log(f"{self.address_string()} {format % args}")


def _token_for(issuer: TokenIssuer, form: dict[str, str]) -> tuple[str, int]:
    """The token the form asks for, and its lifetime in seconds; ValueError if it cannot be."""
    subject, audience = form.get("sub", "").strip(), form.get("aud", "").strip()
    if not subject or not audience:
        raise ValueError("sub and aud are required")
    try:
        seconds = int(form.get("ttl", "3600"))
    except ValueError:
        raise ValueError("ttl is not a whole number of seconds") from None
    if seconds <= 0:
        raise ValueError("ttl must be positive")
    scopes = form.get("scope", "").split()
    return issuer.token(subject, scopes, timedelta(seconds=seconds), audience), seconds
