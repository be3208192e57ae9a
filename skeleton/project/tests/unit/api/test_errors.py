"""Every error has one JSON shape, the right status, and no stack trace."""

import io
import unittest

from sqlalchemy.exc import IntegrityError, OperationalError

from tests.support.app import api_client, make_fake_app

# A chunked body as gunicorn hands it over: no length, and the stream ends where the body does.
CHUNKED = {
    "headers": {"Transfer-Encoding": "chunked"},
    "environ_overrides": {"wsgi.input_terminated": True},
}


class ErrorShapeTest(unittest.TestCase):
    def setUp(self):
        app = make_fake_app({"MAX_CONTENT_LENGTH": "1000"})

        @app.get("/test-only/boom")
        def boom():
            raise RuntimeError("secret internals")

        @app.get("/test-only/database-down")
        def database_down():
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

        @app.get("/test-only/database-bug")
        def database_bug():
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))

        self.client = api_client(app)

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.get_data(as_text=True))
        self.assertEqual(response.mimetype, "application/json")
        self.assertEqual(set(response.json), {"error"})
        error = response.json["error"]
        self.assertEqual(set(error), {"code", "message", "details"})
        self.assertEqual(error["code"], code)
        self.assertTrue(error["message"])
        return error

    def test_malformed_json_is_400(self):
        response = self.client.post("/v1/todos", data="{nope", content_type="application/json")
        self.assertError(response, 400, "bad_request")

    def test_a_body_that_is_not_json_is_415(self):
        response = self.client.post("/v1/todos", data="title=x", content_type="text/plain")
        self.assertError(response, 415, "unsupported_media_type")

    def test_a_body_over_the_limit_is_413(self):
        error = self.assertError(
            self.client.post("/v1/todos", json={"title": "x" * 2000}),
            413,
            "payload_too_large",
        )
        self.assertEqual(error["details"], {"max_bytes": 1000})

    def test_a_chunked_body_over_the_limit_is_413_not_cut_to_the_limit(self):
        padded = b'{"title": "x"}' + b" " * 2000  # valid JSON if cut at the limit (1000 bytes)
        response = self.client.post(
            "/v1/todos",
            input_stream=io.BytesIO(padded),
            content_type="application/json",
            **CHUNKED,
        )
        self.assertIsNone(response.request.content_length)
        error = self.assertError(response, 413, "payload_too_large")
        self.assertEqual(error["details"], {"max_bytes": 1000})

    def test_a_body_nginx_refused_for_its_size_is_413(self):
        # nginx passes the request on without its body, marked (shallot-serve's nginx).
        response = self.client.post(
            "/v1/todos", content_type="application/json", headers={"X-Body-Over-Limit": "1"}
        )
        error = self.assertError(response, 413, "payload_too_large")
        self.assertEqual(error["details"], {"max_bytes": 1000})

    def test_a_chunked_body_within_the_limit_is_read_whole(self):
        response = self.client.post(
            "/v1/todos",
            input_stream=io.BytesIO(b'{"title": "chunked"}'),
            content_type="application/json",
            **CHUNKED,
        )
        self.assertEqual(response.status_code, 201, response.json)

    def test_validation_errors_are_422_per_field(self):
        cases = [
            ({}, "title"),
            ({"title": 5}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"title": "ok", "extra": 1}, "extra"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                error = self.assertError(
                    self.client.post("/v1/todos", json=body), 422, "validation_error"
                )
                self.assertIn(field, error["details"])

    def test_a_blank_title_breaks_the_domain_rule_422(self):
        error = self.assertError(
            self.client.post("/v1/todos", json={"title": "   "}), 422, "validation_error"
        )
        self.assertEqual(list(error["details"]), ["title"])

    def test_a_json_body_that_is_not_an_object_is_422(self):
        self.assertError(self.client.post("/v1/todos", json=["title"]), 422, "validation_error")

    def test_an_unknown_route_is_404(self):
        self.assertError(self.client.get("/nowhere"), 404, "not_found")
        self.assertError(self.client.get("/v1/todos/not-a-number"), 404, "not_found")

    def test_a_wrong_method_is_405_with_allow(self):
        response = self.client.put("/v1/todos/1", json={})
        error = self.assertError(response, 405, "method_not_allowed")
        self.assertIn("PATCH", response.headers["Allow"])
        self.assertIn("PATCH", error["details"]["allowed_methods"])

    def test_an_unexpected_error_is_500_with_a_request_id_and_is_logged(self):
        with self.assertLogs("src.api.error_handler", "ERROR") as logs:
            response = self.client.get("/test-only/boom", headers={"X-Request-ID": "req-123"})
        error = self.assertError(response, 500, "internal_error")
        self.assertEqual(error["details"], {"request_id": "req-123"})
        self.assertNotIn("secret internals", response.get_data(as_text=True))
        self.assertNotIn("Traceback", response.get_data(as_text=True))
        self.assertIn("secret internals", "\n".join(logs.output))

    def test_a_database_that_cannot_be_reached_is_503_with_retry_after(self):
        with self.assertLogs("shallot_runtime.flask", "WARNING"):
            response = self.client.get("/test-only/database-down", headers={"X-Request-ID": "r-9"})
        error = self.assertError(response, 503, "database_unavailable")
        self.assertEqual(response.headers["Retry-After"], "5")
        self.assertEqual(error["details"], {"retry_after": 5, "request_id": "r-9"})

    def test_any_other_database_error_is_a_500(self):
        with self.assertLogs("src.api.error_handler", "ERROR"):
            response = self.client.get("/test-only/database-bug")
        self.assertError(response, 500, "internal_error")
        self.assertNotIn("Retry-After", response.headers)
