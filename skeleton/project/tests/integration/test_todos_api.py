"""The todo endpoints end to end: the real container, on the real database."""

from tests.support.integration import ApiTestCase

URL = "/v1/todos"


class TodoApiEndToEndTest(ApiTestCase):
    def body(self, n: int = 1) -> dict[str, object]:
        """A valid todo as JSON, each unique field different for each n."""
        return {
            "title": f"Title {n}",
            "done": n % 2 == 1,
        }

    def test_a_todo_lives_through_every_endpoint(self):
        created = self.created(URL, self.body(1))
        location = f"{URL}/{created['id']}"
        self.assertEqual(self.client.get(location).json, created)
        wanted = str(created["done"]).lower()
        self.assertEqual(self.client.get(URL, query_string={"done": wanted}).json["total"], 1)
        change = {"title": self.body(2)["title"]}
        changed = self.client.patch(location, json=change)
        self.assertEqual((changed.status_code, changed.json), (200, {**created, **change}))
        self.assertEqual(self.client.delete(location).status_code, 204)
        self.assertError(self.client.get(location), 404, "not_found")

    def test_pagination_on_the_database(self):
        created = [self.created(URL, self.body(n)) for n in (1, 2, 3)]
        page = self.client.get(f"{URL}?per_page=2&page=2").json
        self.assertEqual((page["items"], page["total"]), (created[2:], 3))

    # Written by hand: the tests of the behaviour written by hand (src/domain/models/todo.py).

    def test_completing_is_stored_and_completing_again_is_409(self):
        location = f"{URL}/{self.created(URL, {'title': 'Release 1.0'})['id']}"
        completed = self.client.patch(location, json={"done": True})
        self.assertEqual((completed.status_code, completed.json["done"]), (200, True))
        self.assertEqual(self.client.get(location).json, completed.json)
        self.assertError(self.client.patch(location, json={"done": True}), 409, "conflict")
