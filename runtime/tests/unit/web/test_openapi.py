"""/openapi.json from the routes and their schemas: a schema's Meta.json_schema in its
component, each operation's errors in the app's error shape, and the two every one can have;
the access token and scopes an operation requires, under the bearerAuth scheme."""

import pytest

from shallot_runtime.auth import DevelopmentIssuer
from shallot_runtime.testing import stand_in_verifier
from tests.support.secured_app import make_secured_app
from tests.support.web_app import make_web_app


@pytest.fixture(scope="module")
def document():
    response = make_web_app().test_client().get("/openapi.json")
    assert response.status_code == 200
    return response.json


def test_a_schemas_json_schema_lands_in_its_component(document):
    schemas = document["components"]["schemas"]
    assert schemas["ThingChanges"]["minProperties"] == 1
    assert "minProperties" not in schemas["Thing"]
    assert set(schemas["ThingChanges"]["properties"]) == {"name"}


def test_the_document_names_the_service(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "things", "version": "1.0", "description": "Things."}


def test_each_operation_lists_its_errors_and_those_every_one_can_have(document):
    create = document["paths"]["/v1/things"]["post"]["responses"]
    assert set(create) == {"201", "400", "413", "414", "415", "422", "503"}
    get = document["paths"]["/v1/things/{thing_id}"]["get"]["responses"]
    assert set(get) == {"200", "404", "414", "503"}


def resolve(document, item: dict) -> dict:
    """The item, or the component its $ref names."""
    if "$ref" not in item:
        return item
    kind, name = item["$ref"].removeprefix("#/components/").split("/")
    return document["components"][kind][name]


@pytest.mark.parametrize("status", ["415", "422", "503"])
def test_the_errors_are_in_the_error_schema(document, status):
    response = resolve(document, document["paths"]["/v1/things"]["post"]["responses"][status])
    schema = response["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Error"}


def test_no_catch_all_error_and_no_pagination_header(document):
    assert "DEFAULT_ERROR" not in document["components"].get("responses", {})
    assert "X-Pagination" not in str(document)


@pytest.fixture(scope="module")
def secured():
    app = make_secured_app(stand_in_verifier(DevelopmentIssuer.in_memory()))
    return app.test_client().get("/openapi.json").json


def test_the_bearer_scheme_says_how_to_get_a_token(secured):
    scheme = secured["components"]["securitySchemes"]["bearerAuth"]
    assert {key: scheme[key] for key in ("type", "scheme", "bearerFormat")} == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert "AUTH_ISSUER" in scheme["description"]
    assert "`make token`" in scheme["description"]


@pytest.mark.parametrize(
    ("path", "method", "scopes"),
    [
        ("/v1/notes", "get", ["notes:read"]),
        ("/v1/notes", "post", ["notes:read", "notes:write"]),
        ("/v1/notes/caller", "get", []),
    ],
)
def test_each_operation_lists_the_scopes_it_requires(secured, path, method, scopes):
    operation = secured["paths"][path][method]
    assert operation["security"] == [{"bearerAuth": scopes}]


def test_an_operation_that_requires_a_token_documents_its_401_and_403(secured):
    responses = secured["paths"]["/v1/notes"]["post"]["responses"]
    assert set(responses) == {"201", "400", "401", "403", "413", "414", "415", "422", "503"}
    for status in ("401", "403"):
        response = resolve(secured, responses[status])
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
        assert "WWW-Authenticate" in response["headers"]


def test_public_operations_list_no_security(secured):
    assert "security" not in secured["paths"]["/v1/things"]["get"]
    assert "security" not in secured  # no requirement for the whole API


def test_a_service_without_tokens_documents_none(document):
    assert "securitySchemes" not in document["components"]
    assert not {"Unauthorized", "Forbidden"} & set(document["components"]["responses"])


def test_a_method_views_operations_are_named_after_their_methods(secured):
    operations = secured["paths"]["/v1/boards"]
    assert [operations[method]["operationId"] for method in ("get", "delete")] == [
        "getBoards",
        "deleteBoards",
    ]
    assert secured["paths"]["/v1/notes"]["get"]["operationId"] == "listNotes"
