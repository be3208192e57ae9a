"""The API's blueprints, and their OpenAPI document at /openapi.json, built from the routes and
their schemas; `make openapi` writes it to openapi.json, the API's contract (docs/api-contract.md).
"""

from pathlib import Path

import flask_smorest
from flask import Flask
from shallot_runtime.web import about, health, init_openapi

from src.api.controllers.todos import todos
from src.api.error_handler import ErrorSchema

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
BLUEPRINTS = (health, todos)


def init_api(app: Flask) -> flask_smorest.Api:
    api = init_openapi(app, **about(PYPROJECT), error_schema=ErrorSchema)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return api
