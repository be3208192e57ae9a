"""The API end to end: the real container, on the real database."""

from src.create_app import create_app
from src.dependency_container import build_container
from tests.support.database import DatabaseTestCase
from tests.support.integration import integration_client, integration_settings


class ApiEndToEndTest(DatabaseTestCase):
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

    def test_a_todo_lives_through_every_endpoint(self):
        created = self.client.post("/v1/todos", json={"title": " Release 1.0 "})
        self.assertEqual(created.status_code, 201, created.json)
        location = created.headers["Location"]

        self.assertEqual(self.client.get(location).json["title"], "Release 1.0")
        completed = self.client.patch(location, json={"done": True})
        self.assertEqual((completed.status_code, completed.json["done"]), (200, True))
        self.assertEqual(self.client.patch(location, json={"done": True}).status_code, 409)

        listed = self.client.get("/v1/todos?done=true").json
        self.assertEqual([t["title"] for t in listed["items"]], ["Release 1.0"])
        self.assertEqual(self.client.get("/v1/todos?done=false").json["total"], 0)

        self.assertEqual(self.client.delete(location).status_code, 204)
        self.assertEqual(self.client.get(location).status_code, 404)

    def test_pagination_on_the_database(self):
        for n in range(3):
            self.client.post("/v1/todos", json={"title": f"todo {n}"})
        body = self.client.get("/v1/todos?per_page=2&page=2").json
        self.assertEqual(([t["title"] for t in body["items"]], body["total"]), (["todo 2"], 3))
