import unittest

from tests.support.app import make_fake_app


class HealthTest(unittest.TestCase):
    def test_healthz_answers_without_the_database(self):
        response = make_fake_app(ready=False).test_client().get("/healthz")
        self.assertEqual((response.status_code, response.json), (200, {"status": "ok"}))

    def test_readyz_is_200_when_ready(self):
        response = make_fake_app(ready=True).test_client().get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json["status"], "ready")

    def test_readyz_is_503_in_the_error_shape_when_not_ready(self):
        response = make_fake_app(ready=False).test_client().get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json["error"]["code"], "not_ready")
        self.assertEqual(
            response.json["error"]["details"]["checks"],
            {"database": "unreachable", "maintenance": "off"},
        )
