"""The service end to end: the real container, on the real database. Each resource's
endpoints have a test module of their own (test_todos_api.py)."""

from src.create_app import create_app
from src.dependency_container import build_container
from tests.support.database import DatabaseTestCase
from tests.support.integration import integration_client, integration_settings


class ServiceEndToEndTest(DatabaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        settings = integration_settings()
        cls.container = build_container(settings)
        cls.client = integration_client(create_app(settings, cls.container))

    @classmethod
    def tearDownClass(cls):
        cls.container.close()
        super().tearDownClass()

    def test_readyz_is_200_on_a_migrated_database(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200, response.json)
        self.assertEqual(
            response.json["checks"], {"database": "ok", "migrations": "ok", "maintenance": "off"}
        )
