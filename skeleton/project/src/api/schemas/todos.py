"""What the todo endpoints accept and return."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from src.api.schemas.common import JsonBoolean
from src.domain.constants import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, TITLE_MAX_LENGTH

TITLE = {
    "validate": [
        validate.Length(min=1, max=TITLE_MAX_LENGTH),
        validate.Regexp(r"^\s*\S", error="The title must not be blank."),
    ],
    "metadata": {"description": "Trimmed of surrounding blanks; 1 to 200 characters."},
}


class TodoSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    done = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(allow_none=True, required=True)


class TodoCreateSchema(Schema):
    title = fields.String(required=True, **TITLE)


class TodoUpdateSchema(Schema):
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
