"""The shapes every endpoint shares: errors and health."""

from marshmallow import Schema, fields


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "A stable slug, e.g. not_found."})
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String())
