"""Every error has the one JSON shape (src/api/error_handler.py) and the right status: the
domain's, and those shallot's runtime answers in it (its own tests cover each of those)."""

import unittest

from tests.support.app import api_client, make_fake_app


class ErrorShapeTest(unittest.TestCase):
    def setUp(self):
        self.client = api_client(make_fake_app())

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.get_data(as_text=True))
        self.assertEqual(response.mimetype, "application/json")
        self.assertEqual(set(response.json), {"error"})
        error = response.json["error"]
        self.assertEqual(set(error), {"code", "message", "details"})
        self.assertEqual(error["code"], code)
        self.assertTrue(error["message"])
        return error

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

    def test_a_todo_that_does_not_exist_is_404(self):
        self.assertError(self.client.get("/v1/todos/999"), 404, "not_found")

    def test_the_runtimes_answers_are_in_this_shape_too(self):
        self.assertError(self.client.get("/nowhere"), 404, "not_found")
        response = self.client.post("/v1/todos", data="{nope", content_type="application/json")
        self.assertError(response, 400, "bad_request")
        not_ready = api_client(make_fake_app(ready=False)).get("/readyz")
        self.assertError(not_ready, 503, "not_ready")
