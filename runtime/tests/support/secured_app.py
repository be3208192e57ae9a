"""The web app with routes that take access tokens, as a generated project declares them
(`@notes.requires("notes:read")`), checked against a development issuer's keys: in the same
process (`StaticKeys`) for unit tests, over HTTP for integration tests."""

from collections.abc import Mapping

from flask import Flask
from flask.views import MethodView
from marshmallow import Schema, fields

from shallot_runtime.auth import DEV_AUDIENCE, DEV_ISSUER, KeySource, TokenVerifier
from shallot_runtime.testing import stand_in_operations
from shallot_runtime.web import ApiBlueprint
from shallot_runtime.web.auth import current_claims
from tests.support.fakes import FixedClock
from tests.support.web_app import create_web_app, make_settings


class NoteSchema(Schema):
    text = fields.String(required=True)
    author = fields.String(dump_only=True)


class CallerSchema(Schema):
    subject = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)


def notes_blueprint() -> ApiBlueprint:
    notes = ApiBlueprint("notes", __name__, url_prefix="/v1/notes", description="Notes")
    stored: list[dict] = []

    @notes.get("")
    @notes.requires("notes:read")
    @notes.response(200, NoteSchema(many=True))
    def list_notes() -> list[dict]:
        return stored

    @notes.post("")
    @notes.requires("notes:read", "notes:write")
    @notes.arguments(NoteSchema)
    @notes.response(201, NoteSchema)
    @notes.errors(400, 413, 415, 422)
    def create_note(note: dict) -> dict:
        note["author"] = current_claims().subject  # what the use case would get, mapped
        stored.append(note)
        return note

    @notes.get("/caller")
    @notes.requires()
    @notes.response(200, CallerSchema)
    def show_caller() -> dict:
        claims = current_claims()
        return {"subject": claims.subject, "scopes": sorted(claims.scopes)}

    return notes


def boards_blueprint() -> ApiBlueprint:
    """A MethodView's methods, each with its own requirement: reading takes a token, the
    board's ping is public."""
    boards = ApiBlueprint("boards", __name__, url_prefix="/v1/boards", description="Boards")

    @boards.route("")
    class Boards(MethodView):
        @boards.requires("boards:read")
        @boards.response(200, CallerSchema)
        def get(self) -> dict:
            return {"subject": current_claims().subject, "scopes": []}

        @boards.response(204)
        def delete(self) -> None:
            return None

    return boards


def make_verifier(keys: KeySource, **options: object) -> TokenVerifier:
    """A verifier of the development issuer's tokens, on `keys`."""
    return TokenVerifier(keys, **{"issuer": DEV_ISSUER, "audience": DEV_AUDIENCE, **options})


def make_secured_app(
    verifier: TokenVerifier | None, environ: Mapping[str, str] | None = None
) -> Flask:
    """The service with the notes and boards routes, on the test profile's settings and
    stand-ins."""
    operations = stand_in_operations(clock=FixedClock())
    return create_web_app(
        make_settings(environ),
        operations,
        verifier=verifier,
        blueprints=[notes_blueprint(), boards_blueprint()],
    )
