"""The errors every service answers the same way, in the app's error shape: a request the
schemas refuse (422, per field), HTTP's own (400, 404, 405, 413, 415, ...), and anything
unexpected (500, logged with the request's id, no internals in the body).

The app's handlers for its own exceptions (its domain's) are registered after these, beside them.
"""

import logging

from flask import Flask, Response, current_app
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from shallot_runtime.flask import ErrorResponse
from shallot_runtime.web.requests import current_request_id

logger = logging.getLogger(__name__)

# Slugs for the statuses clients meet most; others are derived from the status name.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}
UNEXPECTED = "An unexpected error occurred; quote the request id when you report it."


def init_errors(app: Flask, error_response: ErrorResponse) -> None:
    def validation_error(error: ValidationError) -> Response:
        messages = error.messages
        details = messages if isinstance(messages, dict) else {"_schema": messages}
        return error_response(422, "validation_error", "The request is not valid.", details)

    def http_error(error: HTTPException) -> Response:
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

    def unexpected_error(error: Exception) -> Response:
        request_id = current_request_id()
        logger.exception("unhandled %s (request %s)", type(error).__name__, request_id)
        return error_response(500, "internal_error", UNEXPECTED, {"request_id": request_id})

    app.register_error_handler(ValidationError, validation_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
