"""Building JSON responses, errors included, in one shape."""

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


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    """`{"error": {"code": ..., "message": ..., "details": {...}}}`, the body of every error."""
    return json_response(
        {"error": {"code": code, "message": message, "details": details or {}}}, status
    )
