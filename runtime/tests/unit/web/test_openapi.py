"""/openapi.json from the routes and their schemas: a schema's Meta.json_schema in its
component, each operation's errors in the app's error shape, and the two every one can have."""

import pytest

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
    assert document["openapi"] == "3.0.3"
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
