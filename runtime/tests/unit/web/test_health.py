"""/healthz and /readyz: the health blueprint a project registers with its API."""

from datetime import timedelta

from flask import Flask

from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.testing import FixedReadiness, FixedWindows, stand_in_operations
from shallot_runtime.web import health
from tests.support.app import error_response
from tests.support.fakes import FixedClock
from tests.support.web_app import error_of, make_web_app


def test_healthz_answers_without_the_database():
    response = make_web_app(ready=False).test_client().get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_readyz_is_200_with_its_checks_when_ready():
    response = make_web_app(ready=True).test_client().get("/readyz")
    assert (response.status_code, response.json["status"]) == (200, "ready")
    assert response.json["checks"]["database"] == "ok"


def test_readyz_is_503_in_the_apps_error_shape_when_not_ready():
    error = error_of(make_web_app(ready=False).test_client().get("/readyz"), 503, "not_ready")
    assert error["details"]["checks"] == {
        "database": "unreachable",
        "maintenance": "off",
    }


def test_a_full_window_does_not_refuse_health():
    clock = FixedClock()
    window = MaintenanceWindow.open(
        mode="full", reason="test", holder="t", lease=timedelta(minutes=1), now=clock.now()
    )
    client = make_web_app(windows=FixedWindows(window), clock=clock).test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/v1/things").status_code == 503


def test_both_routes_are_in_the_document_with_their_schema():
    document = make_web_app().test_client().get("/openapi.json").json
    assert {"/healthz", "/readyz"} <= set(document["paths"])
    ok = document["paths"]["/readyz"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Health"}
    assert "503" in document["paths"]["/readyz"]["get"]["responses"]


def test_readyz_answers_in_the_apps_shape_with_only_the_gate_installed():
    operations = stand_in_operations(readiness=FixedReadiness(False), clock=FixedClock())
    app = Flask(__name__)
    operations.init_app(app, error_response=error_response)
    app.register_blueprint(health)
    error_of(app.test_client().get("/readyz"), 503, "not_ready")
