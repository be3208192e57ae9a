"""/v1/todos: HTTP in, a service call, HTTP out. The decorators are the OpenAPI document."""

from flask import Response, current_app
from shallot_runtime.web import ApiBlueprint

from src.api.responses import no_content
from src.api.schemas.todos import (
    TodoCreateSchema,
    TodoPageSchema,
    TodoPatchSchema,
    TodoQuerySchema,
    TodoSchema,
)
from src.domain.models import Todo
from src.services.ports import Page
from src.services.todo_service import TodoService

todos = ApiBlueprint("todos", __name__, url_prefix="/v1/todos", description="The todo list")

ONE_TODO = "/<int:todo_id>"
TODO_ID = {"in": "path", "name": "todo_id", "schema": {"type": "integer", "minimum": 1}}
LOCATION = {"Location": {"description": "The new todo's path", "schema": {"type": "string"}}}


def _service() -> TodoService:
    return current_app.extensions["container"].todo_service


@todos.get("")
@todos.arguments(TodoQuerySchema, location="query", as_kwargs=True)
@todos.response(200, TodoPageSchema, description="A page of todos")
@todos.errors(422)
def list_todos(**query: object) -> Page[Todo]:
    """List todos, a page at a time"""
    return _service().list(**query)


@todos.post("")
@todos.arguments(TodoCreateSchema)
@todos.response(201, TodoSchema, description="Created", headers=LOCATION)
@todos.errors(400, 413, 415, 422)
def create_todo(body: dict) -> tuple[Todo, dict[str, str]]:
    """Create a todo"""
    todo = _service().create(body["title"])
    return todo, {"Location": f"{todos.url_prefix}/{todo.id}"}


@todos.get(ONE_TODO, parameters=[TODO_ID])
@todos.response(200, TodoSchema, description="The todo")
@todos.errors(404)
def get_todo(todo_id: int) -> Todo:
    """Get a todo"""
    return _service().get(todo_id)


@todos.patch(ONE_TODO, parameters=[TODO_ID])
@todos.arguments(TodoPatchSchema)
@todos.response(200, TodoSchema, description="Updated")
@todos.errors(400, 404, 409, 413, 415, 422)
def update_todo(changes: dict, todo_id: int) -> Todo:
    """Rename, complete or reopen a todo"""
    return _service().update(todo_id, **changes)


@todos.delete(ONE_TODO, parameters=[TODO_ID])
@todos.response(204, description="Deleted")
@todos.errors(404)
def delete_todo(todo_id: int) -> Response:
    """Delete a todo"""
    _service().delete(todo_id)
    return no_content()
