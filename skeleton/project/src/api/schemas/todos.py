"""What the todo endpoints accept and return."""

from typing import ClassVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from src.api.schemas.common import JsonBoolean
from src.api.schemas.fields import NOT_BLANK
from src.domain.constants import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, TITLE_MAX_LENGTH

TITLE = {
    "validate": [
        validate.Length(min=1, max=TITLE_MAX_LENGTH),
        validate.Regexp(NOT_BLANK, error="The title must not be blank or hold a NUL character."),
    ],
    "metadata": {"description": "Trimmed of surrounding blanks; 1 to 200 characters."},
}


class TodoSchema(Schema):
    class Meta:
        json_schema: ClassVar = {
            "example": {
                "id": 7,
                "title": "Write the release notes",
                "done": True,
                "created_at": "2026-12-01T09:30:00+00:00",
                "completed_at": "2026-12-02T16:05:00+00:00",
            }
        }

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    done = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(allow_none=True, required=True)


class TodoCreateSchema(Schema):
    class Meta:
        json_schema: ClassVar = {"example": {"title": "Write the release notes"}}

    title = fields.String(required=True, **TITLE)


class TodoPatchSchema(Schema):
    class Meta:
        # The document's; require_a_change checks it.
        json_schema: ClassVar = {"minProperties": 1, "example": {"done": True}}

    title = fields.String(**TITLE)
    done = JsonBoolean(
        metadata={"description": "true completes the todo (409 if it is done already)."}
    )

    @validates_schema
    def require_a_change(self, data: dict, **_kwargs: object) -> None:
        if not data:
            raise ValidationError("Send at least one of: title, done.")


class TodoQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )
    done = fields.Boolean(load_default=None, metadata={"description": "Only todos in this state."})


class TodoPageSchema(Schema):
    items = fields.List(fields.Nested(TodoSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
