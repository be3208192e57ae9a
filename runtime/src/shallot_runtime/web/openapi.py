"""The OpenAPI document, built by flask-smorest from the routes themselves and their schemas.

An `ApiBlueprint`'s decorators both load a request (by the rules of `requests.RequestParser`)
and document the operation, so the document cannot drift from the routes. Every operation's
operationId is its view function's name in lowerCamelCase (`list_todos` is `listTodos`), so
that generated clients name their methods after the code; its tag is its blueprint's name.
A schema may add to its JSON Schema what its fields cannot say, in
`class Meta: json_schema = {...}` (for example `{"minProperties": 1}` on a patch).
`contract(app)` is the document as the project commits it: sorted keys, stable across runs.

`@blueprint.requires("todos:read")` declares, once, the access token an operation takes: the
app checks it (`web.auth`), and the document lists it under the `bearerAuth` scheme (HTTP
bearer, a JWT), with the 401 and 403 it may answer. The document is OpenAPI 3.1, whose
security requirements may list scopes for any scheme (3.0 allowed them for OAuth 2.0 and
OpenID Connect schemes only); openapi-spec-validator, openapi-python-client and schemathesis
all read it.
"""

import json
import tomllib
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import flask_smorest
from apispec import BasePlugin
from flask import Flask
from flask_smorest.utils import prepare_response
from marshmallow import Schema

from shallot_runtime.web.auth import declare_scopes
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

# The access tokens of `ApiBlueprint.requires`, and the refusals each such operation can get.
BEARER_AUTH = "bearerAuth"
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": (
        "An access token from the service's OpenID Connect issuer (AUTH_ISSUER) for its"
        " audience (AUTH_AUDIENCE), with the scopes that each operation lists. In development,"
        " `make token` prints one: paste it here, without `Bearer `."
    ),
}
WWW_AUTHENTICATE = {
    "description": "Bearer, with the RFC 6750 error and, on a 403, the scopes required.",
    "schema": {"type": "string"},
}
REFUSALS = {
    401: ("Unauthorized", "No access token, or one that is not valid: see WWW-Authenticate."),
    403: ("Forbidden", "The token lacks a scope the operation requires: see WWW-Authenticate."),
}


def operation_id(view_name: str) -> str:
    """`list_todos` -> `listTodos`: what a generated client names the method."""
    first, *rest = view_name.split("_")
    return first + "".join(word.capitalize() for word in rest)


class OperationIds(BasePlugin):
    """Names every operation after its view function, unless the view names it itself; a view
    that serves several methods (a MethodView) names each after the method too: `getBoards`."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        name = operation_id(rule.endpoint.rpartition(".")[2])
        several = len(operations) > 1
        for method, operation in operations.items():
            if isinstance(operation, dict):
                operation.setdefault("operationId", f"{method}{name}" if several else name)


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

    def register_blueprint(self, blp: flask_smorest.Blueprint, **options: Any) -> None:
        """Registers the blueprint; the first that takes tokens adds their scheme and refusals
        to the document, which a service without them does not carry."""
        super().register_blueprint(blp, **options)
        documented = BEARER_AUTH in self.spec.components.security_schemes
        if getattr(blp, "takes_tokens", False) and not documented:
            self.spec.components.security_scheme(BEARER_AUTH, BEARER_SCHEME)
            for name, description in REFUSALS.values():
                _error_response(self, name, description, {"WWW-Authenticate": WWW_AUTHENTICATE})


class ApiBlueprint(flask_smorest.Blueprint):
    """Routes whose decorators load requests by these rules and document the operation."""

    ARGUMENTS_PARSER = RequestParser()
    takes_tokens = False  # until a route `requires`

    def requires(self, *scopes: str) -> Callable[[View], View]:
        """The access token the operation takes, with every one of `scopes` (none: any valid
        token): checked before the view, and documented. Below the route's decorator, like
        the others."""

        def declare(view: View) -> View:
            view = self.doc(security=[{BEARER_AUTH: list(scopes)}])(view)
            for status, (name, _description) in REFUSALS.items():
                view = self.alt_response(status, response=name)(view)
            return declare_scopes(view, scopes)

        self.takes_tokens = True
        return declare

    def errors(self, *statuses: int) -> Callable[[View], View]:
        """Documents the errors an operation can return, and those every one can."""

        def document(view: View) -> View:
            for status in (*statuses, *ERRORS_OF_EVERY_OPERATION):
                name = SERVICE_UNAVAILABLE if status == 503 else HTTPStatus(status).name
                view = self.alt_response(status, response=name)(view)
            return view

        return document


def about(pyproject: Path) -> dict[str, str]:
    """The document's title, version and description: the project's, from its pyproject.toml."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return {
        "title": project["name"],
        "version": project["version"],
        "description": project["description"],
    }


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
            "openapi_version": "3.1.0",
            "info": {"description": description},
            "servers": [{"url": url} for url in servers],
            "extra_plugins": [OperationIds(), SchemaExtras()],
        },
    )
    _error_response(
        api,
        SERVICE_UNAVAILABLE,
        "Maintenance, or the database out of reach: retry after Retry-After.",
        {"Retry-After": RETRY_AFTER},
    )
    return api


def _error_response(api: Api, name: str, description: str, headers: dict) -> None:
    """A response component in the error schema, with its headers."""
    response = {"description": description, "schema": api.ERROR_SCHEMA, "headers": headers}
    prepare_response(response, api.spec, api.DEFAULT_RESPONSE_CONTENT_TYPE)
    api.spec.components.response(name, response)


def contract(api: flask_smorest.Api) -> str:
    """The document as a project commits it: sorted, indented, stable from run to run."""
    return json.dumps(api.spec.to_dict(), indent=2, sort_keys=True) + "\n"
