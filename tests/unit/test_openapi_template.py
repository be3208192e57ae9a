"""The contract a new project starts with (skeleton/project/openapi.json.jinja) renders to the
very text the project's `make openapi` writes, whatever its answers hold: its own check (a
unit test of the project's) compares the two byte for byte."""

import json
from pathlib import Path

import jinja2
import pytest

TEMPLATE = Path(__file__).resolve().parents[2] / "skeleton/project/openapi.json.jinja"


@pytest.mark.parametrize("description", ["an API", "Alice's <b>API</b> & \"co\" \u00e9t\u00e9 \\ end"])
def test_the_template_renders_the_contract_as_json_dumps_writes_it(description):
    environment = jinja2.Environment(keep_trailing_newline=True)  # as copier renders
    rendered = environment.from_string(TEMPLATE.read_text()).render(package_name="x_api", description=description)
    document = json.loads(rendered)
    assert (document["info"]["title"], document["info"]["description"]) == ("x_api", description)
    assert rendered == json.dumps(document, indent=2, sort_keys=True) + "\n"


def test_every_operation_has_an_operation_id():
    document = json.loads(jinja2.Environment().from_string(TEMPLATE.read_text()).render(
        package_name="x", description="d"))
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values() if "operationId" in op]
    assert "listTodos" in ids and len(ids) == len(set(ids)) == 7
