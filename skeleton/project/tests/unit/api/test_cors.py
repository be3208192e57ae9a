"""CORS, for the origins on the allow-list only."""

import unittest

from tests.support.app import make_fake_app

ALLOWED = "https://app.example.com"


class CorsTest(unittest.TestCase):
    def setUp(self):
        self.client = make_fake_app({"CORS_ALLOWED_ORIGINS": ALLOWED}).test_client()

    def preflight(self, origin, method="POST"):
        headers = {
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "Content-Type, X-Request-ID",
        }
        return self.client.options("/v1/todos", headers=headers)

    def test_an_allowed_origin_gets_access(self):
        response = self.client.get("/v1/todos", headers={"Origin": ALLOWED})
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], ALLOWED)
        self.assertEqual(response.headers["Access-Control-Expose-Headers"], "X-Request-ID")
        self.assertIn("Origin", response.headers["Vary"])

    def test_an_allowed_preflight_is_answered(self):
        response = self.preflight(ALLOWED, "PATCH")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], ALLOWED)
        self.assertEqual(
            response.headers["Access-Control-Allow-Methods"], "DELETE, GET, PATCH, POST"
        )
        self.assertEqual(
            response.headers["Access-Control-Allow-Headers"], "Content-Type, X-Request-ID"
        )
        self.assertEqual(response.headers["Access-Control-Max-Age"], "600")

    def test_other_origins_and_methods_get_no_access(self):
        for response in (
            self.client.get("/v1/todos", headers={"Origin": "https://evil.example"}),
            self.preflight("https://evil.example"),
        ):
            self.assertNotIn("Access-Control-Allow-Origin", response.headers)
            self.assertIn("Origin", response.headers["Vary"])
        self.assertNotIn("Access-Control-Allow-Methods", self.preflight(ALLOWED, "PUT").headers)

    def test_a_request_without_origin_gets_no_cors_headers(self):
        response = self.client.get("/v1/todos")
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)
        self.assertIn("Origin", response.headers["Vary"])

    def test_errors_carry_the_cors_headers_too(self):
        response = self.client.post("/v1/todos", json={}, headers={"Origin": ALLOWED})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], ALLOWED)

    def test_a_wildcard_allows_any_origin(self):
        client = make_fake_app({"CORS_ALLOWED_ORIGINS": "*"}).test_client()
        response = client.get("/v1/todos", headers={"Origin": "https://any.example"})
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        self.assertIn("Origin", response.headers["Vary"])

    def test_no_allow_list_allows_no_origin(self):
        client = make_fake_app({"CORS_ALLOWED_ORIGINS": ""}).test_client()
        response = client.get("/v1/todos", headers={"Origin": ALLOWED})
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)
        self.assertNotIn("Vary", response.headers)
