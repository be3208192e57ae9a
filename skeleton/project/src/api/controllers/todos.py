"""/v1/todos: HTTP in, a service call, HTTP out."""

from flask import Blueprint, Response, current_app

from src.api.requests import json_body, query_args
from src.api.responses import json_response, no_content
from src.api.schemas.todos import (
    TodoCreateSchema,
    TodoPageSchema,
    TodoQuerySchema,
    TodoSchema,
    TodoUpdateSchema,
)
from src.services.todo_service import TodoService

todos = Blueprint("todos", __name__, url_prefix="/v1/todos")

todo_schema = TodoSchema()
page_schema = TodoPageSchema()


def _service() -> TodoService:
    return current_app.extensions["container"].todo_service


@todos.get("")
def list_todos() -> Response:
    query = query_args(TodoQuerySchema())
    return json_response(page_schema.dump(_service().list(**query)))


@todos.post("")
def create_todo() -> Response:
    body = json_body(TodoCreateSchema())
    todo = _service().create(body["title"])
    response = json_response(todo_schema.dump(todo), 201)
    response.headers["Location"] = f"{todos.url_prefix}/{todo.id}"
    return response


@todos.get("/<int:todo_id>")
def get_todo(todo_id: int) -> Response:
    return json_response(todo_schema.dump(_service().get(todo_id)))


@todos.patch("/<int:todo_id>")
def update_todo(todo_id: int) -> Response:
    changes = json_body(TodoUpdateSchema())
    return json_response(todo_schema.dump(_service().update(todo_id, **changes)))


@todos.delete("/<int:todo_id>")
def delete_todo(todo_id: int) -> Response:
    _service().delete(todo_id)
    return no_content()
