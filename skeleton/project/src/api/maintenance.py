"""Refusing requests during a maintenance window, from the cached window: no query per request.

The health endpoints are always served: /healthz so that orchestrators do not restart
healthy instances, /readyz to report the window.
"""

from flask import Flask, Response, current_app, request

from src.api.responses import error_response
from src.domain.models import MaintenanceMode, MaintenanceWindow
from src.services.maintenance_gate import MaintenanceGate

ALWAYS_SERVED_BLUEPRINTS = frozenset({"health"})
MESSAGES = {
    MaintenanceMode.READ_ONLY: "The service is read-only during maintenance; retry later.",
    MaintenanceMode.FULL: "The service is down for maintenance; retry later.",
}


def window_details(window: MaintenanceWindow) -> dict[str, str | None]:
    return {
        "mode": window.mode.value,
        "reason": window.reason,
        "since": window.opened_at.isoformat(),
        "lease_expires_at": window.expires_at.isoformat(),
    }


def init_maintenance(app: Flask) -> None:
    @app.before_request
    def refuse_during_maintenance() -> Response | None:
        if request.blueprint in ALWAYS_SERVED_BLUEPRINTS:
            return None
        gate: MaintenanceGate = current_app.extensions["container"].maintenance_gate
        window = gate.refusing(request.method)
        if window is None:
            return None
        retry_after = window.retry_after(gate.now())
        response = error_response(
            503,
            "maintenance",
            MESSAGES[window.mode],
            {**window_details(window), "retry_after": retry_after},
        )
        response.headers["Retry-After"] = str(retry_after)
        return response
