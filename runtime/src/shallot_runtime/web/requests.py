"""What every request and response goes through: a request id, security headers, no cookie
session, and the rules for reading a JSON body (webargs's parser, used by `ApiBlueprint`).

A body is JSON (else 415), well formed (else 400), within MAX_CONTENT_LENGTH (else 413) and
valid (else 422, the messages keyed by field); the app's error handlers give them its shape.
"""

import re
import uuid
from typing import Any, NoReturn

from flask import Flask, Request, Response, g, request
from flask.sessions import SessionInterface, SessionMixin
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# Set by the server's nginx on a request whose body it refused for its size, which it passes on
# without the body; nginx clears it on every other request.
BODY_OVER_LIMIT_HEADER = "X-Body-Over-Limit"


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


def init_requests(app: Flask) -> None:
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


class RequestParser(FlaskParser):
    def load_json(self, req: Request, schema: Schema) -> Any:
        if not req.is_json:
            raise UnsupportedMediaType(
                "Send the body as JSON, with Content-Type: application/json."
            )
        refuse_a_body_over_the_limit(req)
        try:
            return req.get_json()
        except BadRequest as error:
            raise BadRequest("The body is not valid JSON.") from error

    def handle_error(self, error: ValidationError, *_args: Any, **_kwargs: Any) -> NoReturn:
        """422 from the app's handler, keyed by field: webargs filed the messages by location."""
        (messages,) = error.messages.values()
        raise ValidationError(messages) from error


def refuse_a_body_over_the_limit(req: Request) -> None:
    """413 past MAX_CONTENT_LENGTH, the body never read much further; get_json reuses what is read.

    Behind nginx, the body never comes: nginx refused it, and says so in a header.

    A declared Content-Length over the limit is refused before anything is read. A chunked
    body is read up to the limit, where Werkzeug stops without a word; had it been cut there,
    2 MB of JSON padded with spaces would pass as its first 1 MB. One byte more tells.
    """
    if req.headers.get(BODY_OVER_LIMIT_HEADER) == "1":
        raise RequestEntityTooLarge()
    data = req.get_data(cache=True)
    limit = req.max_content_length
    cut_at_limit = req.content_length is None and limit is not None and len(data) >= limit
    if cut_at_limit and req.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
