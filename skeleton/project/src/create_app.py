"""The application factory."""

from flask import Flask

from src.api.controllers.docs import docs
from src.api.controllers.health import health
from src.api.controllers.todos import todos
from src.api.cors import init_cors
from src.api.error_handler import init_error_handlers
from src.api.metrics import METRICS
from src.api.middleware import current_request_id, init_middleware
from src.api.openapi import init_openapi
from src.api.responses import error_response
from src.config import Config
from src.dependency_container import Container, build_container
from src.observability import init_observability


def create_app(config: Config, container: Container | None = None) -> Flask:
    """Builds the app; without a container, builds the real one from `config`."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        DEBUG=config.debug,
        TESTING=config.profile == "test",
        MAX_CONTENT_LENGTH=config.max_content_length,
    )
    app.json.sort_keys = False  # keep the schemas' field order
    container = container or build_container(config)
    app.extensions["container"] = container

    init_middleware(app)
    init_cors(app, config.cors_allowed_origins)
    api = init_openapi(app)
    init_error_handlers(app)
    # /metrics, and traces if OTEL_* ask for them; before the gate, to measure what it refuses.
    init_observability(app, config, container.operations)
    # Maintenance windows refuse requests, and an unreachable database answers 503.
    operations = container.operations
    operations.init_app(
        app,
        error_response=error_response,
        request_id=current_request_id,
        always_served=("health", METRICS),
    )
    for blueprint in (health, todos):
        api.register_blueprint(blueprint)
    app.register_blueprint(docs)
    return app
