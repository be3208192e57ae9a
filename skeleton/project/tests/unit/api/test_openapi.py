"""The OpenAPI document describes exactly the app's routes, each operation named and documented."""

import re
import tomllib
import unittest
from pathlib import Path

from tests.support.app import make_fake_app

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
UNDOCUMENTED = ("static", "api-docs.", "docs.", "metrics.")  # the document, Swagger UI, /metrics
PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.app = make_fake_app()
        cls.spec = cls.app.test_client().get("/openapi.json").json

    def operations(self):
        for path, item in self.spec["paths"].items():
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    yield path, method, operation

    def test_it_is_an_openapi_3_document_named_from_pyproject(self):
        self.assertEqual(self.spec["openapi"], "3.1.0")
        project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
        info = self.spec["info"]
        self.assertEqual(
            (info["title"], info["version"], info["description"]),
            (project["name"], project["version"], project["description"]),
        )
        self.assertIn("Todo", self.spec["components"]["schemas"])

    def test_every_reference_resolves(self):
        for ref in set(_refs(self.spec)):
            with self.subTest(ref=ref):
                node = self.spec
                for part in ref.removeprefix("#/").split("/"):
                    node = node[part]

    def test_the_operations_match_the_routes(self):
        routes = set()
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint.startswith(UNDOCUMENTED):
                continue
            path = re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods if m.lower() in HTTP_METHODS}
        documented = {(path, method) for path, method, _ in self.operations()}
        self.assertEqual(documented, routes)

    def test_every_operation_but_health_may_answer_414_and_503_in_the_error_shape(self):
        for path, method, operation in self.operations():
            for status in ("414", "503"):
                with self.subTest(path=path, method=method, status=status):
                    if path == "/healthz":
                        self.assertNotIn(status, operation["responses"])
                        continue
                    name = operation["responses"][status]["$ref"].rsplit("/", 1)[-1]
                    response = self.spec["components"]["responses"][name]
                    schema = response["content"]["application/json"]["schema"]
                    self.assertEqual(schema, {"$ref": "#/components/schemas/Error"})
                    if status == "503":
                        self.assertIn("Retry-After", response["headers"])

    def test_every_operation_has_a_unique_operation_id_a_tag_and_a_summary(self):
        ids = []
        for path, method, operation in self.operations():
            with self.subTest(path=path, method=method):
                self.assertRegex(operation.get("operationId", ""), r"^[a-z][A-Za-z0-9]*$")
                self.assertTrue(operation["tags"] and operation["summary"])
                ids.append(operation["operationId"])
        self.assertEqual(len(ids), len(set(ids)), f"duplicate operationIds: {sorted(ids)}")
        self.assertIn("listTodos", ids)

    def test_the_schemas_carry_the_rules(self):
        schemas = self.spec["components"]["schemas"]
        title = schemas["TodoCreate"]["properties"]["title"]
        self.assertEqual((title["minLength"], title["maxLength"]), (1, 200))
        self.assertEqual(schemas["TodoPatch"]["minProperties"], 1)
        self.assertEqual(set(schemas["Todo"]["example"]), set(schemas["Todo"]["properties"]))
        self.assertIn("MaintenanceWindow", schemas)
        (todo_id,) = self.spec["paths"]["/v1/todos/{todo_id}"]["parameters"]
        self.assertEqual(todo_id["schema"], {"type": "integer", "minimum": 1})
