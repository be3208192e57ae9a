"""Request ids and security headers, on every request and response; and no cookie sessions."""

import re
import uuid

from flask import Flask, Request, Response, g, request
from flask.sessions import SessionInterface, SessionMixin

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


def current_request_id() -> str:
    """The caller's X-Request-ID if it is short and plain, else a fresh one; stable per request."""
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        valid = REQUEST_ID_PATTERN.fullmatch(incoming)
        g.request_id = incoming if valid else uuid.uuid4().hex
    return g.request_id


class NoSessions(SessionInterface):
    """The API keeps no state between requests: no session cookie is read, signed or set, and
    flask.session is a null session (writing to it raises)."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None  # Flask then makes the null session

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        pass


def init_middleware(app: Flask) -> None:
    app.session_interface = NoSessions()

    @app.before_request
    def assign_request_id() -> None:
        current_request_id()

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = current_request_id()
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
