"""A small service on the runtime's web platform, built as a generated project builds its app:
`shallot_runtime.web.init_app` on stand-in operations (no database), in the project's error
shape, with the health blueprint and an OpenAPI blueprint whose routes load JSON bodies."""

import os
from collections.abc import Iterable, Mapping
from typing import ClassVar
from unittest import mock

from flask import Flask, abort
from marshmallow import RAISE, Schema, fields, validate

import shallot_runtime.web
from shallot_runtime.auth import TokenVerifier
from shallot_runtime.settings import ServiceSettings, load_settings
from shallot_runtime.testing import FixedReadiness, FixedWindows, stand_in_operations
from shallot_runtime.web import ApiBlueprint, health, init_openapi
from tests.support.app import error_response
from tests.support.fakes import FixedClock


class ThingSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=20))


class ThingChangesSchema(Schema):
    class Meta:
        unknown = RAISE
        # What its fields cannot say, added to its component in the document.
        json_schema: ClassVar[dict] = {"minProperties": 1}

    name = fields.String(validate=validate.Length(min=1, max=20))


class ErrorSchema(Schema):
    error = fields.Dict(required=True)


def make_settings(environ: Mapping[str, str] | None = None) -> ServiceSettings:
    """The test profile's settings, with `environ` in place of the process's environment."""
    with mock.patch.dict(os.environ, {"APP_ENV": "test", **(environ or {})}, clear=True):
        return load_settings(ServiceSettings)


def make_web_app(
    environ: Mapping[str, str] | None = None,
    *,
    windows: FixedWindows | None = None,
    ready: bool = True,
    clock: FixedClock | None = None,
) -> Flask:
    """The service on the test profile's settings (and `environ`) and the runtime's stand-ins."""
    operations = stand_in_operations(
        windows=windows, readiness=FixedReadiness(ready), clock=clock or FixedClock()
    )
    return create_web_app(make_settings(environ), operations)


def create_web_app(
    settings: ServiceSettings,
    operations: object,
    *,
    verifier: TokenVerifier | None = None,
    blueprints: Iterable[ApiBlueprint] = (),
) -> Flask:
    """The app; with `verifier`, it checks the access tokens of routes that require them, and
    `blueprints` add routes of the test's own."""
    app = Flask(__name__)
    shallot_runtime.web.init_app(
        app, settings, operations, error_response=error_response, verifier=verifier
    )
    api = init_openapi(
        app, title="things", version="1.0", description="Things.", error_schema=ErrorSchema
    )
    api.register_blueprint(health)
    api.register_blueprint(things_blueprint())
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    return app


def things_blueprint() -> ApiBlueprint:
    things = ApiBlueprint("things", __name__, url_prefix="/v1/things", description="Things")
    stored: dict[int, dict] = {}

    @things.get("")
    @things.response(200, ThingSchema(many=True))
    def list_things() -> list[dict]:
        return list(stored.values())

    @things.post("")
    @things.arguments(ThingSchema)
    @things.response(201, ThingSchema)
    @things.errors(400, 413, 415, 422)
    def create_thing(thing: dict) -> dict:
        stored[len(stored) + 1] = thing
        return thing

    @things.get("/<int:thing_id>")
    @things.response(200, ThingSchema)
    @things.errors(404)
    def get_thing(thing_id: int) -> dict:
        return stored.get(thing_id) or abort(404)

    @things.patch("/<int:thing_id>")
    @things.arguments(ThingChangesSchema)
    @things.response(200, ThingSchema)
    @things.errors(400, 404, 413, 415, 422)
    def change_thing(changes: dict, thing_id: int) -> dict:
        thing = stored.get(thing_id) or abort(404)
        thing.update(changes)
        return thing

    return things


def error_of(response, status: int, code: str) -> dict:
    """The body's error, once the response is that status and code in the app's error shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert set(response.json) == {"error"}
    error = response.json["error"]
    assert set(error) == {"code", "message", "details"} and error["message"]
    assert error["code"] == code
    return error
