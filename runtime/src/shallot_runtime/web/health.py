"""Liveness and readiness, for orchestrators and load balancers: the `health` blueprint, which
a project registers with its API (its routes are in the OpenAPI document) and which the
maintenance gate always serves."""

from flask import Response, current_app
from marshmallow import Schema, fields

from shallot_runtime.flask import ERROR_RESPONSE, OPERATIONS
from shallot_runtime.web.openapi import ApiBlueprint
from shallot_runtime.web.responses import json_response

HEALTH = "health"

health = ApiBlueprint(HEALTH, __name__, description="Liveness and readiness")


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


@health.get("/healthz")
@health.response(200, HealthSchema, description="Alive")
def healthz() -> Response:
    """The process is alive

    Nothing else is checked, and maintenance does not change it.
    """
    return json_response({"status": "ok"})


@health.get("/readyz")
@health.response(200, HealthSchema, description="Ready (a read-only window says so)")
@health.errors()
def readyz() -> Response:
    """The database answers, its schema is not behind the code, and no full window

    A read-only window keeps the instance ready (it serves reads); both say so in `checks`.
    """
    readiness = current_app.extensions[OPERATIONS].readiness.check()
    if readiness.ready:
        return json_response({"status": "ready", **readiness.details()})
    error_response = current_app.extensions[ERROR_RESPONSE]
    message = "The service is not ready: see details.checks."
    return error_response(503, "not_ready", message, readiness.details())
