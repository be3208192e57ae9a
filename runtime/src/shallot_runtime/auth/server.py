"""The development issuer over HTTP, with the standard library's server: its discovery
document, its JWKS and /healthz, as JSON, one log line per request.

The server reads its issuer on every request, so a test can replace it (`server.issuer = ...`)
to rotate the key while it serves.
"""

import json
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from shallot_runtime.auth.development import JWKS_PATH
from shallot_runtime.auth.keys import DISCOVERY_PATH


class PublishedKeys(Protocol):
    def discovery(self) -> dict[str, Any]: ...

    def jwks(self) -> dict[str, Any]: ...


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
