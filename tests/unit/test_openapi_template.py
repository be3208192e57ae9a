"""The contract a new project starts with (skeleton/project/openapi.json.jinja) renders to the
very text the project's `make openapi` writes, whatever its answers hold: its own check (a
unit test of the project's) compares the two byte for byte."""

import json
from pathlib import Path

import jinja2
import pytest

TEMPLATE = Path(__file__).resolve().parents[2] / "skeleton/project/openapi.json.jinja"


# As copier renders the template (skeleton/copier.yml's _envops).
ENVIRONMENT = jinja2.Environment(keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


@pytest.mark.parametrize("oidc", [True, False])
@pytest.mark.parametrize("description", ["an API", "Alice's <b>API</b> & \"co\" \u00e9t\u00e9 \\ end"])
def test_the_template_renders_the_contract_as_json_dumps_writes_it(description, oidc):
    rendered = ENVIRONMENT.from_string(TEMPLATE.read_text()).render(
        package_name="x_api", description=description, oidc=oidc
    )
    document = json.loads(rendered)
    assert (document["info"]["title"], document["info"]["description"]) == ("x_api", description)
    assert rendered == json.dumps(document, indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("oidc", [True, False])
def test_every_operation_has_an_operation_id(oidc):
    document = json.loads(ENVIRONMENT.from_string(TEMPLATE.read_text()).render(
        package_name="x", description="d", oidc=oidc))
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values() if "operationId" in op]
    assert "listTodos" in ids and len(ids) == len(set(ids)) == 7


def test_with_oidc_the_todos_operations_require_their_scopes_and_without_it_none():
    def security(oidc):
        document = json.loads(ENVIRONMENT.from_string(TEMPLATE.read_text()).render(
            package_name="x", description="d", oidc=oidc))
        return {op["operationId"]: op.get("security") for item in document["paths"].values()
                for op in item.values() if isinstance(op, dict) and "operationId" in op}

    assert security(True)["getTodo"] == [{"bearerAuth": ["todos:read"]}]
    assert security(True)["createTodo"] == [{"bearerAuth": ["todos:write"]}]
    assert security(True)["healthz"] is None
    assert set(security(False).values()) == {None}
