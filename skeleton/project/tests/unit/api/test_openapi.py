"""The OpenAPI document describes exactly the app's routes, and its references resolve."""

import re
import unittest

from tests.support.app import make_fake_app

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


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

    def test_it_is_an_openapi_3_document(self):
        self.assertEqual(self.spec["openapi"], "3.0.3")
        self.assertTrue(self.spec["info"]["title"])
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
            if rule.endpoint in ("static", "docs.openapi_json", "docs.docs_page"):
                continue
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods if m.lower() in HTTP_METHODS}
        documented = {
            (path, method)
            for path, item in self.spec["paths"].items()
            for method in item
            if method in HTTP_METHODS
        }
        self.assertEqual(documented, routes)

    def test_the_todo_schema_carries_the_title_rule(self):
        title = self.spec["components"]["schemas"]["TodoCreate"]["properties"]["title"]
        self.assertEqual((title["minLength"], title["maxLength"]), (1, 200))

    def test_the_docs_page_is_self_contained_with_a_strict_policy(self):
        response = self.app.test_client().get("/docs")
        self.assertEqual(response.mimetype, "text/html")
        policy = response.headers["Content-Security-Policy"]
        self.assertIn("default-src 'none'", policy)
        self.assertIn("script-src 'sha256-", policy)
        self.assertNotRegex(response.get_data(as_text=True), r"https?://")  # nothing external
