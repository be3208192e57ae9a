"""shallot's platform in a Flask app, in one call from the app factory:

    init_app(app, settings, operations, error_response=error_response, verifier=verifier)

It sets Flask's config from the settings, and installs, in this order: request ids, security
headers and no cookie session; CORS for the allowed origins; /metrics and traces (OTEL_*);
the maintenance gate and the database's 503s (`Operations.init_app`), answered in the app's
error shape; the access tokens of the routes that require them (`verifier`, an
`auth.TokenVerifier`; see `web.auth`); the answers to every error that is not the app's own
(`web.errors`); and Swagger UI at /docs. `init_openapi` serves /openapi.json; `ApiBlueprint`
is the blueprint whose decorators load and document requests, and `health` the blueprint of
/healthz and /readyz. `no_content` is a 204.
"""

from flask import Flask
from prometheus_client import CollectorRegistry

from shallot_runtime.auth import TokenVerifier
from shallot_runtime.flask import ErrorResponse
from shallot_runtime.operations import Operations
from shallot_runtime.settings import ServiceSettings
from shallot_runtime.web import auth
from shallot_runtime.web.cors import init_cors
from shallot_runtime.web.docs import docs
from shallot_runtime.web.errors import init_errors
from shallot_runtime.web.health import HEALTH, health
from shallot_runtime.web.metrics import METRICS, PoolMetrics, ServiceState, init_metrics
from shallot_runtime.web.openapi import ApiBlueprint, about, init_openapi
from shallot_runtime.web.requests import current_request_id, init_requests
from shallot_runtime.web.responses import json_response, no_content
from shallot_runtime.web.tracing import instrument

__all__ = [
    "HEALTH",
    "ApiBlueprint",
    "about",
    "current_request_id",
    "health",
    "init_app",
    "init_openapi",
    "json_response",
    "no_content",
]


def init_app(
    app: Flask,
    settings: ServiceSettings,
    operations: Operations,
    *,
    error_response: ErrorResponse,
    verifier: TokenVerifier | None = None,
) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DEBUG=settings.debug,
        TESTING=settings.profile == "test",
        MAX_CONTENT_LENGTH=settings.max_content_length,
    )
    app.json.sort_keys = False  # keep the schemas' field order
    init_requests(app)
    init_cors(app, settings.cors_allowed_origins or ())
    # Before the gate, to measure what it refuses.
    if settings.metrics_enabled:
        registry = CollectorRegistry()
        PoolMetrics(registry).watch(*operations.engines)
        live = [ServiceState(operations.readiness)]
        init_metrics(app, registry, live=live, port=settings.metrics_port or None)
    instrument(app, *operations.engines)
    operations.init_app(
        app,
        error_response=error_response,
        request_id=current_request_id,
        always_served=(HEALTH, METRICS),
    )
    auth.install(app, verifier, error_response)
    init_errors(app, error_response)
    app.register_blueprint(docs)
