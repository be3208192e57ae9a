"""A small Flask app with the runtime installed, as a generated project installs it: a health
blueprint that is always served, a resource that reads and writes, and the error envelope."""

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy import text

from shallot_runtime import Operations
from shallot_runtime.testing import FixedReadiness, FixedWindows, stand_in_operations
from tests.support.fakes import FixedClock


def error_response(status: int, code: str, message: str, details: dict) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    return response


def create_test_app(operations: Operations) -> Flask:
    app = Flask(__name__)
    operations.init_app(app, error_response=error_response, request_id=lambda: "req-1")

    health = Blueprint("health", __name__)

    @health.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    @health.get("/readyz")
    def readyz() -> Response:
        readiness = operations.readiness.check()
        if readiness.ready:
            return jsonify({"status": "ready", **readiness.details()})
        return error_response(503, "not_ready", "not ready", readiness.details())

    things = Blueprint("things", __name__)
    stored: list[object] = []

    @things.route("/things", methods=["GET", "HEAD", "POST", "PATCH", "DELETE"])
    def thing() -> Response:
        """Reads answer how many things there are; every write adds one."""
        if request.method not in ("GET", "HEAD"):
            stored.append(request.method)
        return jsonify({"total": len(stored)})

    @things.get("/answer")
    def answer() -> Response:
        """A query on the runtime's engine."""
        with operations.engine.connect() as connection:
            return jsonify({"answer": connection.scalar(text("SELECT 42"))})

    app.register_blueprint(health)
    app.register_blueprint(things)
    return app


def make_fake_app(
    windows: FixedWindows | None = None, clock: FixedClock | None = None, ready: bool = True
) -> Flask:
    """The app on stand-ins: no database behind it, a window as the test sets it."""
    operations = stand_in_operations(
        windows=windows, readiness=FixedReadiness(ready), clock=clock or FixedClock()
    )
    return create_test_app(operations)
