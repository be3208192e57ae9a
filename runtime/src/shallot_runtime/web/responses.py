"""JSON responses: a payload with a status, and 204 with no body."""

from typing import Any

from flask import Response, jsonify


def json_response(payload: Any, status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    return response


def no_content() -> Response:
    """204, without the Content-Type that Flask would otherwise add."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response
