"""The runtime in a Flask app, in the app's own error shape (see `Operations.init_app`):

- during a maintenance window, the requests it refuses get 503 `maintenance` with Retry-After,
  decided from the window this process has cached: no query per request;
- when the database cannot be reached, or a statement ran past its timeout, 503
  `database_unavailable` with Retry-After, instead of a 500.

The health blueprint is always served: /healthz so that orchestrators do not restart healthy
instances, /readyz to report the window.
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request

from shallot_runtime.adapters.database.availability import UNAVAILABLE_ERRORS
from shallot_runtime.domain.window import MaintenanceMode
from shallot_runtime.services.gate import MaintenanceGate

logger = logging.getLogger(__name__)

# The app's error body: error_response(status, code, message, details) -> Response.
ErrorResponse = Callable[[int, str, str, dict[str, Any]], Response]

MESSAGES = {
    MaintenanceMode.READ_ONLY: "The service is read-only during maintenance; retry later.",
    MaintenanceMode.FULL: "The service is down for maintenance; retry later.",
}
# What a client is told to wait while the database is away: about one restart of PostgreSQL.
DATABASE_RETRY_AFTER_SECONDS = 5
# Where `Operations.init_app` keeps itself and the app's error body in app.extensions, for the
# routes of the runtime's own (web.health).
OPERATIONS = "shallot_runtime"
ERROR_RESPONSE = "shallot_runtime.error_response"


def install(
    app: Flask,
    gate: MaintenanceGate,
    error_response: ErrorResponse,
    request_id: Callable[[], str] | None,
    always_served: Iterable[str],
) -> None:
    served = frozenset(always_served)

    @app.before_request
    def refuse_during_maintenance() -> Response | None:
        # A CORS preflight does no work, and a browser needs its answer to read the 503 after it.
        if request.blueprint in served or request.method == "OPTIONS":
            return None
        window = gate.refusing(request.method)
        if window is None:
            return None
        retry_after = window.retry_after(gate.now())
        details = {**window.describe(), "retry_after": retry_after}
        response = error_response(503, "maintenance", MESSAGES[window.mode], details)
        response.headers["Retry-After"] = str(retry_after)
        return response

    def database_unavailable(error: Exception) -> Response:
        details: dict[str, Any] = {"retry_after": DATABASE_RETRY_AFTER_SECONDS}
        if request_id is not None:
            details["request_id"] = request_id()
        cause = type(getattr(error, "orig", None) or error).__name__
        logger.warning(
            "database unavailable (%s); answered 503 (request %s)",
            cause,
            details.get("request_id", "-"),
        )
        response = error_response(
            503,
            "database_unavailable",
            "The database cannot be reached right now; retry after the delay in Retry-After.",
            details,
        )
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response

    for error_class in UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, database_unavailable)
