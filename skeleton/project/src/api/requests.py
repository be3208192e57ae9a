"""Reading request bodies and query strings through Marshmallow schemas."""

from typing import Any

from flask import request
from marshmallow import Schema
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from src.api.errors import ApiError


def json_body(schema: Schema) -> dict[str, Any]:
    """The body, loaded by `schema`: 415 unless JSON, 400 if malformed, 422 if invalid."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the body as JSON, with Content-Type: application/json.",
        )
    _refuse_a_body_over_the_limit()
    try:
        body = request.get_json()
    except BadRequest as error:
        raise ApiError(400, "bad_request", "The body is not valid JSON.") from error
    return schema.load(body)


def query_args(schema: Schema) -> dict[str, Any]:
    """The query string, loaded by `schema` (the first value of a repeated parameter)."""
    return schema.load(request.args.to_dict())


def _refuse_a_body_over_the_limit() -> None:
    """413 past MAX_CONTENT_LENGTH, the body never read much further; get_json reuses what is read.

    A declared Content-Length over the limit is refused before anything is read. A chunked
    body is read up to the limit, where Werkzeug stops without a word; had it been cut there,
    2 MB of JSON padded with spaces would pass as its first 1 MB. One byte more tells.
    """
    data = request.get_data(cache=True)
    limit = request.max_content_length
    cut_at_limit = request.content_length is None and limit is not None and len(data) >= limit
    if cut_at_limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
