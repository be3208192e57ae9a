"""Every compose file and devcontainer.json a project gets is valid against the official schemas
(from ../shared/schemas/), and so is the devcontainer/ Dev Container Template itself."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.unit.test_new import shallot

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas"
COMPOSE_FILES = ["compose.yaml", "compose.dev.yaml", "compose.secrets.yaml", ".devcontainer/compose.devcontainer.yaml"]


# The draft each schema declares (compose-spec.json spells draft-07's URI without its '#').
DRAFTS = {
    "compose-spec.json": jsonschema.Draft7Validator,
    "devContainer.base.schema.json": jsonschema.Draft201909Validator,
}


def validator(name):
    schema = json.loads((SCHEMAS / name).read_text())
    cls = DRAFTS[name]
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("schemas")
    result = shallot(workspace, "new", "schema-demo", "--defaults", "--http-port", "8123")
    assert result.returncode == 0, result.stderr
    return workspace / "schema-demo"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_rendered_compose_files_follow_the_compose_specification(project, name):
    document = yaml.safe_load((project / name).read_text())
    validator("compose-spec.json").validate(document)


def test_rendered_devcontainer_json_follows_the_devcontainer_schema(project):
    document = json.loads((project / ".devcontainer/devcontainer.json").read_text())
    validator("devContainer.base.schema.json").validate(document)
    assert document["forwardPorts"][0] == "app:8123"
    for compose_file in document["dockerComposeFile"]:
        assert (project / ".devcontainer" / compose_file).is_file(), compose_file
    assert set(document["runServices"]) <= set(yaml.safe_load((project / "compose.yaml").read_text())["services"])
    assert "worker" in document["runServices"], "the jobs run in the devcontainer's stack too"


def test_a_bad_document_is_caught_by_the_schemas():
    with pytest.raises(jsonschema.ValidationError):
        validator("devContainer.base.schema.json").validate({"dockerComposeFile": 42, "service": "app"})
    with pytest.raises(jsonschema.ValidationError):
        validator("compose-spec.json").validate({"services": {"app": {"ports": {"not": "a list"}}}})


def test_the_dev_container_template_is_valid_with_its_default_options(repo):
    template = json.loads((repo / "devcontainer/devcontainer-template.json").read_text())
    assert {"id", "version", "name", "options"} <= set(template)
    assert re.fullmatch(r"[a-z0-9-]+", template["id"])
    text = (repo / "devcontainer/.devcontainer/devcontainer.json").read_text()
    used = set(re.findall(r"\$\{templateOption:([A-Za-z0-9_]+)\}", text))
    assert used == set(template["options"])
    for option, spec in template["options"].items():
        text = text.replace("${templateOption:" + option + "}", spec["default"])
    validator("devContainer.base.schema.json").validate(json.loads(text))
