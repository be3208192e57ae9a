"""Request ids, security headers and CORS, on every response."""

import unittest

from tests.support.app import make_fake_app

ALLOWED = "https://app.example.com"


class RequestIdTest(unittest.TestCase):
    def setUp(self):
        self.client = make_fake_app().test_client()

    def test_a_valid_incoming_id_is_echoed(self):
        response = self.client.get("/healthz", headers={"X-Request-ID": "abc-123.X_y:z"})
        self.assertEqual(response.headers["X-Request-ID"], "abc-123.X_y:z")

    def test_an_id_is_generated_when_missing_or_unsafe(self):
        for header in ({}, {"X-Request-ID": "a" * 129}, {"X-Request-ID": "bad id<script>"}):
            with self.subTest(header=header):
                request_id = self.client.get("/healthz", headers=header).headers["X-Request-ID"]
                self.assertRegex(request_id, r"^[0-9a-f]{32}$")

    def test_error_responses_carry_the_id_and_security_headers_too(self):
        response = self.client.get("/nowhere", headers={"X-Request-ID": "r1"})
        self.assertEqual(response.headers["X-Request-ID"], "r1")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")


class CorsTest(unittest.TestCase):
    def setUp(self):
        self.client = make_fake_app({"CORS_ALLOWED_ORIGINS": ALLOWED}).test_client()

    def preflight(self, origin):
        return self.client.options(
            "/v1/todos",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )

    def test_an_allowed_origin_gets_access(self):
        response = self.client.get("/v1/todos", headers={"Origin": ALLOWED})
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], ALLOWED)
        self.assertIn("X-Request-ID", response.headers["Access-Control-Expose-Headers"])
        self.assertIn("Origin", response.headers["Vary"])

    def test_an_allowed_preflight_is_answered(self):
        response = self.preflight(ALLOWED)
        self.assertEqual(response.status_code, 204)
        self.assertIn("PATCH", response.headers["Access-Control-Allow-Methods"])
        self.assertIn("Content-Type", response.headers["Access-Control-Allow-Headers"])

    def test_other_origins_get_no_cors_headers(self):
        for response in (
            self.client.get("/v1/todos", headers={"Origin": "https://evil.example"}),
            self.preflight("https://evil.example"),
        ):
            self.assertNotIn("Access-Control-Allow-Origin", response.headers)

    def test_a_wildcard_allows_any_origin(self):
        client = make_fake_app({"CORS_ALLOWED_ORIGINS": "*"}).test_client()
        response = client.get("/v1/todos", headers={"Origin": "https://any.example"})
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
