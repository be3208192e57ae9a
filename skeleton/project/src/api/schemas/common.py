"""The shapes every endpoint shares: errors, health and the maintenance window."""

from marshmallow import Schema, fields


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "A stable slug, e.g. not_found."})
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class MaintenanceWindowSchema(Schema):
    mode = fields.String(
        required=True,
        metadata={"enum": ["read-only", "full"], "description": "read-only refuses writes."},
    )
    reason = fields.String(required=True)
    since = fields.AwareDateTime(required=True)
    lease_expires_at = fields.AwareDateTime(
        required=True, metadata={"description": "Ends here unless its holder renews it."}
    )


class HealthSchema(Schema):
    status = fields.String(required=True)
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "database, migrations (ok, pending, ahead), maintenance."},
    )
    maintenance = fields.Nested(MaintenanceWindowSchema, metadata={"description": "If open."})
