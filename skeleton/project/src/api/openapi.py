"""The API: its blueprints, and their OpenAPI document at /openapi.json, built by flask-smorest
from the routes and their schemas (shallot_runtime.web.ApiBlueprint). Its title, version and
description come from pyproject.toml; every error response is documented in the one error
shape; each operation's id is its view function's name in lowerCamelCase (`list_todos` is
`listTodos`). `make openapi` writes the document to openapi.json, the API's contract."""

import tomllib
from pathlib import Path

import flask_smorest
import shallot_runtime.web
from flask import Flask

from src.api.controllers.health import health
from src.api.controllers.todos import todos
from src.api.schemas.common import ErrorSchema

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
BLUEPRINTS = (health, todos)


def init_api(app: Flask) -> flask_smorest.Api:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    api = shallot_runtime.web.init_openapi(
        app,
        title=project["name"],
        version=project["version"],
        description=project["description"],
        error_schema=ErrorSchema,
    )
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return api
