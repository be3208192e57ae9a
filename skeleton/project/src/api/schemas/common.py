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


class JsonBoolean(fields.Boolean):
    """A boolean in a JSON body: true or false, not 1, 0 or "yes" (0 == False in Python)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
