"""The OpenAPI document at /openapi.json, built by flask-smorest from the routes and their
schemas (shallot_runtime.web.ApiBlueprint); its title, version and description come from
pyproject.toml, and every error response is documented in the one error shape."""

import tomllib
from pathlib import Path

import flask_smorest
import shallot_runtime.web
from flask import Flask

from src.api.schemas.common import ErrorSchema

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def init_openapi(app: Flask) -> flask_smorest.Api:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    return shallot_runtime.web.init_openapi(
        app,
        title=project["name"],
        version=project["version"],
        description=project["description"],
        error_schema=ErrorSchema,
    )
