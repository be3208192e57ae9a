"""The todo endpoints through the Flask test client, on fakes."""

import unittest

from tests.support.app import api_client, make_fake_app


class TodosApiTest(unittest.TestCase):
    def setUp(self):
        self.client = api_client(make_fake_app())

    def create(self, title="Buy milk"):
        response = self.client.post("/v1/todos", json={"title": title})
        self.assertEqual(response.status_code, 201, response.json)
        return response.json

    def test_create_returns_the_todo_and_its_location(self):
        response = self.client.post("/v1/todos", json={"title": "  Buy milk "})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.headers["Location"], f"/v1/todos/{response.json['id']}")
        self.assertEqual(response.json["title"], "Buy milk")
        self.assertFalse(response.json["done"])
        self.assertIsNone(response.json["completed_at"])
        self.assertTrue(response.json["created_at"].startswith("2030-01-02T03:04:05"))

    def test_get_returns_a_created_todo(self):
        todo = self.create()
        self.assertEqual(self.client.get(f"/v1/todos/{todo['id']}").json, todo)

    def test_list_is_paginated(self):
        for n in range(3):
            self.create(f"todo {n}")
        body = self.client.get("/v1/todos?page=2&per_page=2").json
        self.assertEqual([t["title"] for t in body["items"]], ["todo 2"])
        self.assertEqual((body["total"], body["page"], body["per_page"]), (3, 2, 2))

    def test_list_defaults_to_the_first_page_of_20(self):
        body = self.client.get("/v1/todos").json
        self.assertEqual((body["items"], body["page"], body["per_page"]), ([], 1, 20))

    def test_list_filters_by_done(self):
        first = self.create("first")
        self.create("second")
        self.client.patch(f"/v1/todos/{first['id']}", json={"done": True})
        done = self.client.get("/v1/todos?done=true").json
        self.assertEqual([t["title"] for t in done["items"]], ["first"])
        self.assertEqual(self.client.get("/v1/todos?done=false").json["total"], 1)

    def test_list_parameters_out_of_bounds_are_422_per_parameter(self):
        for query in ("page=0", "per_page=101", "per_page=x", "done=maybe"):
            with self.subTest(query=query):
                response = self.client.get(f"/v1/todos?{query}")
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json["error"]["code"], "validation_error")
                self.assertEqual(set(response.json["error"]["details"]), {query.split("=")[0]})

    def test_a_repeated_parameter_counts_by_its_first_value(self):
        body = self.client.get("/v1/todos?per_page=5&per_page=500").json
        self.assertEqual(body["per_page"], 5)

    def test_patch_completes_and_completing_again_is_409(self):
        todo = self.create()
        done = self.client.patch(f"/v1/todos/{todo['id']}", json={"done": True})
        self.assertEqual(done.status_code, 200)
        self.assertTrue(done.json["done"])
        again = self.client.patch(f"/v1/todos/{todo['id']}", json={"done": True})
        self.assertEqual(again.status_code, 409)
        self.assertEqual(again.json["error"]["code"], "conflict")

    def test_patch_renames(self):
        todo = self.create()
        response = self.client.patch(f"/v1/todos/{todo['id']}", json={"title": "Buy oat milk"})
        self.assertEqual(response.json["title"], "Buy oat milk")

    def test_patch_without_changes_is_422(self):
        todo = self.create()
        response = self.client.patch(f"/v1/todos/{todo['id']}", json={})
        self.assertEqual(response.status_code, 422)
        self.assertIn("_schema", response.json["error"]["details"])

    def test_delete_then_get_is_404(self):
        todo = self.create()
        deleted = self.client.delete(f"/v1/todos/{todo['id']}")
        self.assertEqual((deleted.status_code, deleted.data), (204, b""))
        self.assertNotIn("Content-Type", deleted.headers)
        response = self.client.get(f"/v1/todos/{todo['id']}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json["error"]["code"], "not_found")

    def test_unknown_ids_are_404_for_every_method(self):
        for method in ("get", "patch", "delete"):
            for todo_id in (999, 0):
                with self.subTest(method=method, todo_id=todo_id):
                    url = f"/v1/todos/{todo_id}"
                    response = getattr(self.client, method)(url, json={"done": True})
                    self.assertEqual(response.status_code, 404)
                    self.assertEqual(response.json["error"]["code"], "not_found")
