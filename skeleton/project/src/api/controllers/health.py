"""Liveness and readiness, for orchestrators and load balancers."""

from flask import Blueprint, Response, current_app

from src.api.responses import error_response, json_response

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz() -> Response:
    """The process answers; nothing else is checked."""
    return json_response({"status": "ok"})


@health.get("/readyz")
def readyz() -> Response:
    """The database answers and its schema is at the migrations' head; 503 otherwise."""
    readiness = current_app.extensions["container"].readiness.check()
    if readiness.ready:
        return json_response({"status": "ready", "checks": readiness.checks})
    message = "The service is not ready: see details.checks."
    return error_response(503, "not_ready", message, {"checks": readiness.checks})
