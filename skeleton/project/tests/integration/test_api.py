"""The service end to end: the real container, on the real database. Each resource's
endpoints have a test module of their own (test_todos_api.py)."""

from tests.support.integration import ApiTestCase


class ServiceEndToEndTest(ApiTestCase):
    def test_readyz_is_200_on_a_migrated_database(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200, response.json)
        self.assertEqual(
            response.json["checks"], {"database": "ok", "migrations": "ok", "maintenance": "off"}
        )
