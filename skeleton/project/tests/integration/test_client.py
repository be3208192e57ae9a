"""The typed Python client that `make client` generates from openapi.json, used against the
app served over HTTP on 127.0.0.1, on PostgreSQL: what another team's code would do."""

import importlib
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from src.create_app import create_app
from src.dependency_container import build_container
from tests.support.app import make_settings
from tests.support.database import DatabaseTestCase
from tests.support.postgres import shared_postgres

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "contract_client"


def generate_client(into: Path) -> None:
    """What `make client` runs, into a folder of the test's own."""
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [generator, "generate", "--path", PROJECT_ROOT / "openapi.json", "--meta", "none",
         "--output-path", into / PACKAGE],
        check=True, capture_output=True, text=True,
    )  # fmt: skip


class QuietRequests(WSGIRequestHandler):
    def log_request(self, *_args: object) -> None:
        """The test's own requests: no line each."""


class GeneratedClientTest(DatabaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        folder = Path(tempfile.mkdtemp(prefix="client-"))
        cls.addClassCleanup(shutil.rmtree, folder)
        generate_client(folder)
        sys.path.insert(0, str(folder))
        cls.addClassCleanup(sys.path.remove, str(folder))
        cls.models = importlib.import_module(f"{PACKAGE}.models")
        settings = make_settings(shared_postgres().environ())
        cls.container = build_container(settings)
        server = make_server(
            "127.0.0.1", 0, create_app(settings, cls.container), threaded=True,
            request_handler=QuietRequests,
        )  # fmt: skip
        threading.Thread(target=server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.container.close)
        cls.addClassCleanup(server.shutdown)
        client_module = importlib.import_module(PACKAGE)
        cls.client = client_module.Client(base_url=f"http://127.0.0.1:{server.port}")

    def operation(self, name: str):
        return importlib.import_module(f"{PACKAGE}.api.todos.{name}")

    def test_create_get_list_patch_and_delete(self):
        todo_create, todo_patch = self.models.TodoCreate, self.models.TodoPatch
        created = self.operation("create_todo").sync(
            client=self.client, body=todo_create(title="Call the bank")
        )
        self.assertIsInstance(created, self.models.Todo)
        self.assertEqual((created.title, created.done), ("Call the bank", False))
        got = self.operation("get_todo").sync(created.id, client=self.client)
        self.assertEqual(got.to_dict(), created.to_dict())

        for title in ("second", "third"):
            self.operation("create_todo").sync(client=self.client, body=todo_create(title=title))
        page = self.operation("list_todos").sync(client=self.client, page=2, per_page=2)
        self.assertEqual((page.total, page.page, page.per_page, len(page.items)), (3, 2, 2, 1))

        done = self.operation("update_todo").sync(
            created.id, client=self.client, body=todo_patch(done=True)
        )
        self.assertTrue(done.done and done.completed_at is not None)
        deleted = self.operation("delete_todo").sync_detailed(created.id, client=self.client)
        self.assertEqual(deleted.status_code, 204)

    def test_errors_come_back_typed(self):
        missing = self.operation("get_todo").sync(999_999, client=self.client)
        self.assertIsInstance(missing, self.models.Error)
        self.assertEqual(missing.error.code, "not_found")
        invalid = self.operation("create_todo").sync_detailed(
            client=self.client, body=self.models.TodoCreate(title="")
        )
        self.assertEqual(invalid.status_code, 422)
        self.assertEqual(invalid.parsed.error.code, "validation_error")
        self.assertIn("title", invalid.parsed.error.details.to_dict())
