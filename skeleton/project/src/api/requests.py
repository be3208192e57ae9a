"""Reading requests: webargs's parser, with this API's rules for bodies and its own errors.

`@blueprint.arguments(Schema)` loads through it (see `src.api.openapi.ApiBlueprint`): a body
is JSON (else 415), well formed (else 400), within MAX_CONTENT_LENGTH (else 413) and valid
(else 422, the messages keyed by field). A query string is read from the first value of each
parameter.
"""

from typing import Any, NoReturn

from flask import Request
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from src.api.errors import ApiError


class RequestParser(FlaskParser):
    def load_json(self, req: Request, schema: Schema) -> Any:
        if not req.is_json:
            raise ApiError(
                415,
                "unsupported_media_type",
                "Send the body as JSON, with Content-Type: application/json.",
            )
        _refuse_a_body_over_the_limit(req)
        try:
            return req.get_json()
        except BadRequest as error:
            raise ApiError(400, "bad_request", "The body is not valid JSON.") from error

    def handle_error(self, error: ValidationError, *_args: Any, **_kwargs: Any) -> NoReturn:
        """422 from the app's handler, keyed by field: webargs filed the messages by location."""
        (messages,) = error.messages.values()
        raise ValidationError(messages) from error


# Set by nginx (deploy/nginx.conf) on a request whose body it refused for its size, which it
# passes on without the body; nginx clears it on every other request.
BODY_OVER_LIMIT_HEADER = "X-Body-Over-Limit"


def _refuse_a_body_over_the_limit(req: Request) -> None:
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
