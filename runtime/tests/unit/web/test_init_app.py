"""init_app: Flask's config from the settings, and the runtime's pieces in the app's shape."""

import logging
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.testing import FixedWindows
from tests.support.fakes import FixedClock
from tests.support.web_app import make_web_app


def test_flasks_config_comes_from_the_settings():
    app = make_web_app({"SECRET_KEY": "k" * 40, "DEBUG": "true", "MAX_CONTENT_LENGTH": "99"})
    assert app.config["SECRET_KEY"] == "k" * 40
    assert (app.config["DEBUG"], app.config["TESTING"]) == (True, True)
    assert app.config["MAX_CONTENT_LENGTH"] == 99


def test_json_keeps_the_schemas_field_order():
    assert make_web_app().json.sort_keys is False


def test_the_database_out_of_reach_is_503_with_the_request_id(caplog):
    app = make_web_app()

    @app.get("/test-only/database-down")
    def database_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with caplog.at_level(logging.WARNING, logger="shallot_runtime.flask"):
        response = app.test_client().get(
            "/test-only/database-down", headers={"X-Request-ID": "r-9"}
        )
    assert (response.status_code, response.headers["Retry-After"]) == (503, "5")
    assert response.json["error"]["details"] == {"retry_after": 5, "request_id": "r-9"}
    assert "r-9" in caplog.text


def test_a_window_refuses_in_the_apps_shape_but_not_health_or_metrics():
    clock = FixedClock()
    window = MaintenanceWindow.open(
        mode="full", reason="test", holder="t", lease=timedelta(minutes=1), now=clock.now()
    )
    client = make_web_app(windows=FixedWindows(window), clock=clock).test_client()
    response = client.get("/v1/things", headers={"X-Request-ID": "r-1"})
    assert (response.status_code, response.json["error"]["code"]) == (503, "maintenance")
    assert response.headers["X-Request-ID"] == "r-1"
    for path in ("/healthz", "/metrics"):
        assert client.get(path).status_code == 200, path
