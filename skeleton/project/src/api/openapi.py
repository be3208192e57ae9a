"""The OpenAPI 3 document, generated from the Marshmallow schemas by apispec.

The operations are listed here by hand; a test checks that they match the app's routes.
The title, version and description come from pyproject.toml.
"""

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from src.api.schemas.common import ErrorSchema, HealthSchema, MaintenanceWindowSchema
from src.api.schemas.todos import (
    TodoCreateSchema,
    TodoPageSchema,
    TodoQuerySchema,
    TodoSchema,
    TodoUpdateSchema,
)

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"  # name, version, description

SCHEMAS = {
    "Error": ErrorSchema,
    "MaintenanceWindow": MaintenanceWindowSchema,  # before Health, which nests it
    "Health": HealthSchema,
    "Todo": TodoSchema,
    "TodoCreate": TodoCreateSchema,
    "TodoUpdate": TodoUpdateSchema,
    "TodoPage": TodoPageSchema,
}
# What a schema enforces beyond its fields, which the Marshmallow plugin cannot see.
CONSTRAINTS = {"TodoUpdate": {"minProperties": 1}}
TODO_ID = {
    "in": "path",
    "name": "todo_id",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(
    summary: str, tag: str, responses: dict, body: str | None = None, query: type | None = None
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses}
    if query:
        operation["parameters"] = [{"in": "query", "schema": query}]
    if body:
        content = {"application/json": {"schema": body}}
        operation["requestBody"] = {"required": True, "content": content}
    return operation


def _errors(*statuses: int) -> dict[int, Any]:
    """Every operation but health may also get 503: a maintenance window, or no database."""
    return {status: {"$ref": "#/components/responses/Error"} for status in (*statuses, 503)}


def _operations(spec: APISpec) -> None:
    alive = _operation("The process is alive", "health", {200: _json("Health", "Alive")})
    ready = _operation(
        "The database answers, its schema is not behind the code, and no full maintenance",
        "health",
        {200: _json("Health", "Ready (a read-only window says so)"), **_errors()},
    )
    spec.path("/healthz", operations={"get": alive})
    spec.path("/readyz", operations={"get": ready})

    spec.path(
        "/v1/todos",
        operations={
            "get": _operation(
                "List todos, a page at a time",
                "todos",
                {200: _json("TodoPage", "A page of todos"), **_errors(422)},
                query=TodoQuerySchema,
            ),
            "post": _operation(
                "Create a todo",
                "todos",
                {201: _json("Todo", "Created"), **_errors(400, 413, 415, 422)},
                body="TodoCreate",
            ),
        },
    )
    spec.path(
        "/v1/todos/{todo_id}",
        parameters=[TODO_ID],
        operations={
            "get": _operation(
                "Get a todo", "todos", {200: _json("Todo", "The todo"), **_errors(404)}
            ),
            "patch": _operation(
                "Rename, complete or reopen a todo",
                "todos",
                {200: _json("Todo", "Updated"), **_errors(400, 404, 409, 413, 415, 422)},
                body="TodoUpdate",
            ),
            "delete": _operation(
                "Delete a todo", "todos", {204: {"description": "Deleted"}, **_errors(404)}
            ),
        },
    )


@cache
def build_openapi() -> dict[str, Any]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    spec = APISpec(
        title=project["name"],
        version=project["version"],
        openapi_version="3.0.3",
        info={"description": project["description"]},
        plugins=[MarshmallowPlugin()],
    )
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, component=CONSTRAINTS.get(name), schema=schema)
    spec.components.response("Error", _json("Error", "An error, in the one error shape"))
    _operations(spec)
    return spec.to_dict()
