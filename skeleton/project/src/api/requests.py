"""Reading request bodies and query strings through Marshmallow schemas."""

from typing import Any

from flask import request
from marshmallow import Schema
from werkzeug.exceptions import BadRequest

from src.api.errors import ApiError


def json_body(schema: Schema) -> dict[str, Any]:
    """The body, loaded by `schema`: 415 unless JSON, 400 if malformed, 422 if invalid."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the body as JSON, with Content-Type: application/json.",
        )
    try:
        body = request.get_json()
    except BadRequest as error:
        raise ApiError(400, "bad_request", "The body is not valid JSON.") from error
    return schema.load(body)


def query_args(schema: Schema) -> dict[str, Any]:
    """The query string, loaded by `schema` (the first value of a repeated parameter)."""
    return schema.load(request.args.to_dict())
