"""Liveness and readiness, for orchestrators and load balancers."""

from flask import Response, current_app
from shallot_runtime.web import ApiBlueprint

from src.api.responses import error_response, json_response
from src.api.schemas.common import HealthSchema

health = ApiBlueprint("health", __name__, description="Liveness and readiness")


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
    readiness = current_app.extensions["container"].operations.readiness.check()
    if readiness.ready:
        return json_response({"status": "ready", **readiness.details()})
    message = "The service is not ready: see details.checks."
    return error_response(503, "not_ready", message, readiness.details())
