"""The web app with routes that take access tokens, as a generated project declares them
(`@notes.requires("notes:read")`), checked against a development issuer's keys: in the same
process (`StaticKeys`) for unit tests, over HTTP for integration tests."""

from collections.abc import Mapping

from flask import Flask
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


def make_verifier(keys: KeySource, **options: object) -> TokenVerifier:
    """A verifier of the development issuer's tokens, on `keys`."""
    return TokenVerifier(keys, **{"issuer": DEV_ISSUER, "audience": DEV_AUDIENCE, **options})


def make_secured_app(
    verifier: TokenVerifier | None, environ: Mapping[str, str] | None = None
) -> Flask:
    """The service with the notes routes, on the test profile's settings and stand-ins."""
    operations = stand_in_operations(clock=FixedClock())
    return create_web_app(
        make_settings(environ), operations, verifier=verifier, blueprints=[notes_blueprint()]
    )
