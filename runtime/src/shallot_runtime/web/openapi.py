"""The OpenAPI document, built by flask-smorest from the routes themselves and their schemas.

An `ApiBlueprint`'s decorators both load a request (by the rules of `requests.RequestParser`)
and document the operation, so the document cannot drift from the routes. Every operation's
operationId is its view function's name in lowerCamelCase (`list_todos` is `listTodos`), so
that generated clients name their methods after the code; its tag is its blueprint's name.
A schema may add to its JSON Schema what its fields cannot say, in
`class Meta: json_schema = {...}` (for example `{"minProperties": 1}` on a patch).
`contract(app)` is the document as the project commits it: sorted keys, stable across runs.
"""

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import flask_smorest
from apispec import BasePlugin
from flask import Flask
from flask_smorest.utils import prepare_response
from marshmallow import Schema

from shallot_runtime.web.requests import RequestParser

View = Callable[..., Any]

# 414: a request line longer than the server's nginx takes (8 KiB).
# 503: a maintenance window, or the database out of reach.
ERRORS_OF_EVERY_OPERATION = (HTTPStatus.REQUEST_URI_TOO_LONG, HTTPStatus.SERVICE_UNAVAILABLE)


# 503 says when to come back: a response of its own, with the Retry-After header.
SERVICE_UNAVAILABLE = "ServiceUnavailable"
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}


def operation_id(view_name: str) -> str:
    """`list_todos` -> `listTodos`: what a generated client names the method."""
    first, *rest = view_name.split("_")
    return first + "".join(word.capitalize() for word in rest)


class OperationIds(BasePlugin):
    """Names every operation after its view function, unless the view names it itself."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        name = operation_id(rule.endpoint.rpartition(".")[2])
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.setdefault("operationId", name)


class SchemaExtras(BasePlugin):
    """Adds a schema's `Meta.json_schema` to its component."""

    def schema_helper(self, name: str, definition: dict, **kwargs: Any) -> dict | None:
        schema = kwargs.get("schema")
        return dict(getattr(getattr(schema, "Meta", None), "json_schema", {}))


class Api(flask_smorest.Api):
    DEFAULT_ERROR_RESPONSE_NAME = None  # no catch-all: each operation lists its errors

    def _register_error_handlers(self) -> None:
        """None: the app's own handlers answer every error, in its error shape."""

    def _register_pagination_header(self) -> None:
        """None: a page says where it is in its body, not in a header."""


class ApiBlueprint(flask_smorest.Blueprint):
    """Routes whose decorators load requests by these rules and document the operation."""

    ARGUMENTS_PARSER = RequestParser()

    def errors(self, *statuses: int) -> Callable[[View], View]:
        """Documents the errors an operation can return, and those every one can."""

        def document(view: View) -> View:
            for status in (*statuses, *ERRORS_OF_EVERY_OPERATION):
                name = SERVICE_UNAVAILABLE if status == 503 else HTTPStatus(status).name
                view = self.alt_response(status, response=name)(view)
            return view

        return document


def init_openapi(
    app: Flask,
    *,
    title: str,
    version: str,
    description: str,
    error_schema: type[Schema],
    servers: list[str] = ("/",),
) -> Api:
    """Serves /openapi.json; the blueprints registered with the returned Api are documented,
    every error response in `error_schema`."""
    app.config.update(OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json")
    api_class = type("ProjectApi", (Api,), {"ERROR_SCHEMA": error_schema})
    api = api_class(
        app,
        spec_kwargs={
            "title": title,
            "version": version,
            "openapi_version": "3.0.3",
            "info": {"description": description},
            "servers": [{"url": url} for url in servers],
            "extra_plugins": [OperationIds(), SchemaExtras()],
        },
    )
    unavailable = {
        "description": "Maintenance, or the database out of reach: retry after Retry-After.",
        "schema": error_schema,
        "headers": {"Retry-After": RETRY_AFTER},
    }
    prepare_response(unavailable, api.spec, api.DEFAULT_RESPONSE_CONTENT_TYPE)
    api.spec.components.response(SERVICE_UNAVAILABLE, unavailable)
    return api


def contract(api: flask_smorest.Api) -> str:
    """The document as a project commits it: sorted, indented, stable from run to run."""
    return json.dumps(api.spec.to_dict(), indent=2, sort_keys=True) + "\n"
