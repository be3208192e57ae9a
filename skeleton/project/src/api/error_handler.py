"""Turns every exception into the one JSON error shape, with the right status.

The database's own 503s (unreachable, too slow) come from the shallot runtime, in this shape.
"""

import logging

from flask import Flask, Response, current_app
from marshmallow import ValidationError
from shallot_runtime.web import current_request_id
from werkzeug.exceptions import HTTPException

from src.api.responses import error_response
from src.domain.exceptions import ConflictError, DomainError, NotFoundError, RuleViolation

logger = logging.getLogger(__name__)

# Slugs for the statuses clients meet most; others are derived from the status name.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def init_error_handlers(app: Flask) -> None:
    app.register_error_handler(ValidationError, _validation_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _validation_error(error: ValidationError) -> Response:
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return error_response(422, "validation_error", "The request is not valid.", messages)


def _domain_error(error: DomainError) -> Response:
    if isinstance(error, RuleViolation):
        return error_response(422, error.code, error.message, {error.field: [error.message]})
    if isinstance(error, NotFoundError):
        return error_response(404, error.code, error.message)
    if isinstance(error, ConflictError):
        return error_response(409, error.code, error.message)
    return error_response(400, error.code, error.message)


def _http_error(error: HTTPException) -> Response:
    if error.code is None or error.code < 400:
        return error.get_response()  # redirects and the like are not errors
    code = HTTP_CODES.get(error.code) or (error.name or "error").lower().replace(" ", "_")
    details = {}
    if error.code == 405 and getattr(error, "valid_methods", None):
        details["allowed_methods"] = sorted(error.valid_methods)
    if error.code == 413:
        details["max_bytes"] = current_app.config["MAX_CONTENT_LENGTH"]
    response = error_response(error.code, code, error.description or error.name, details)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected_error(error: Exception) -> Response:
    request_id = current_request_id()
    logger.exception("unhandled %s (request %s)", type(error).__name__, request_id)
    message = "An unexpected error occurred; quote the request id when you report it."
    return error_response(500, "internal_error", message, {"request_id": request_id})
