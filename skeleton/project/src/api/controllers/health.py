"""Liveness and readiness, for orchestrators and load balancers."""

from flask import Blueprint, Response, current_app

from src.api.responses import error_response, json_response

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz() -> Response:
    """The process answers; nothing else is checked, and maintenance does not change it."""
    return json_response({"status": "ok"})


@health.get("/readyz")
def readyz() -> Response:
    """Ready: the database answers, the schema has what the code expects, and no full window.

    A read-only window keeps the instance ready (it serves reads); both say so in `checks`.
    """
    readiness = current_app.extensions["container"].operations.readiness.check()
    if readiness.ready:
        return json_response({"status": "ready", **readiness.details()})
    message = "The service is not ready: see details.checks."
    return error_response(503, "not_ready", message, readiness.details())
