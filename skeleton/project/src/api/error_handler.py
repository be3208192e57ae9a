"""The shape of every error, and the domain's errors in it; shallot's runtime answers HTTP's
own errors, refused bodies, a database out of reach and unexpected errors in it too."""

from typing import Any

from flask import Flask, Response
from marshmallow import Schema, fields
from shallot_runtime.web import json_response

from src.domain.exceptions import ConflictError, DomainError, NotFoundError, RuleViolation


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "A stable slug, e.g. not_found."})
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    """`{"error": {"code": ..., "message": ..., "details": {...}}}`, the body of every error."""
    return json_response(
        {"error": {"code": code, "message": message, "details": details or {}}}, status
    )


def init_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain_error)


def _domain_error(error: DomainError) -> Response:
    if isinstance(error, RuleViolation):
        return error_response(422, error.code, error.message, {error.field: [error.message]})
    if isinstance(error, NotFoundError):
        return error_response(404, error.code, error.message)
    if isinstance(error, ConflictError):
        return error_response(409, error.code, error.message)
    return error_response(400, error.code, error.message)
