"""The OpenAPI document, built by flask-smorest from the routes themselves and their schemas.

An `ApiBlueprint`'s decorators both load a request (by the rules of `src.api.requests`) and
document the operation, so the document cannot drift from the routes. The title, version and
description come from pyproject.toml.
"""

import tomllib
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import flask_smorest
from flask import Flask

from src.api.requests import RequestParser
from src.api.schemas.common import ErrorSchema
from src.api.schemas.todos import TodoUpdateSchema

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"  # name, version, description

View = Callable[..., Any]

# 414: a request line longer than nginx takes (8 KiB, deploy/nginx.conf).
# 503: a maintenance window, or the database out of reach.
ERRORS_OF_EVERY_OPERATION = (HTTPStatus.REQUEST_URI_TOO_LONG, HTTPStatus.SERVICE_UNAVAILABLE)


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema  # every error response is documented in the one error shape
    DEFAULT_ERROR_RESPONSE_NAME = None  # no catch-all: each operation lists its errors

    def _register_error_handlers(self) -> None:
        """None: src.api.error_handler answers every error, in the one error shape."""

    def _register_pagination_header(self) -> None:
        """None: a page of todos says where it is in its body, not in a header."""


class ApiBlueprint(flask_smorest.Blueprint):
    """Routes whose decorators load requests by this API's rules and document the operation."""

    ARGUMENTS_PARSER = RequestParser()

    def errors(self, *statuses: int) -> Callable[[View], View]:
        """Documents the errors an operation can return, and those every one can."""

        def document(view: View) -> View:
            for status in (*statuses, *ERRORS_OF_EVERY_OPERATION):
                view = self.alt_response(status, response=HTTPStatus(status).name)(view)
            return view

        return document


def init_openapi(app: Flask) -> Api:
    """Serves /openapi.json; the blueprints registered with the returned Api are documented."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    app.config.update(OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json")
    api = Api(
        app,
        spec_kwargs={
            "title": project["name"],
            "version": project["version"],
            "openapi_version": "3.0.3",
            "info": {"description": project["description"]},
        },
    )
    # What a schema enforces beyond its fields, which the marshmallow plugin cannot see.
    api.spec.components.schema("TodoUpdate", {"minProperties": 1}, schema=TodoUpdateSchema)
    return api
