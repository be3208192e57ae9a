"""The application factory."""

import shallot_runtime.web
from flask import Flask

from src.api.error_handler import init_error_handlers
from src.api.openapi import init_api
from src.api.responses import error_response
from src.config import Settings, load
from src.dependency_container import Container, build_container


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    """Builds the app; without settings, reads them from the environment, and without a
    container, builds the real one from them."""
    settings = settings or load()
    container = container or build_container(settings)
    app = Flask(__name__)
    app.extensions["container"] = container
    # shallot's platform: request ids, CORS, /metrics, traces, the maintenance gate, /docs.
    shallot_runtime.web.init_app(app, settings, container.operations, error_response=error_response)
    init_api(app)
    init_error_handlers(app)
    return app
