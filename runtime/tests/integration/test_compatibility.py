"""Projects generated before the runtime carry the same machinery in their own tree. The library
and that embedded code share one database: the same tables, columns, lock and channel, so they
exclude each other and each reads what the other wrote.

The embedded code is taken from this repository's history (the last release that carried it),
and run in processes of its own, as a project generated from that release would run it.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from shallot_runtime.adapters.migrator.abort import Abort
from shallot_runtime.adapters.migrator.errors import MigratorBusy
from shallot_runtime.adapters.migrator.lock import MIGRATION_LOCK_KEY, migration_lock
from shallot_runtime.adapters.migrator.settings import MigratorSettings
from shallot_runtime.adapters.postgres.tables import CHANNEL, MAINTENANCE_TABLES
from shallot_runtime.domain.errors import WindowHeld
from shallot_runtime.domain.window import Outcome
from tests.support.migrations import migrations_with
from tests.support.own_database import OwnDatabaseTestCase

# The last commit whose skeleton embedded the migrator and the maintenance windows.
EMBEDDED_RELEASE = "cb5212ffc5bec67f84defe61c0c74df72dc5cbfb"
REPOSITORY = Path(__file__).resolve().parents[3]
_embedded: Path | None = None


def embedded_project() -> Path:
    """The old skeleton's project, with its one template file rendered; made once per run."""
    global _embedded
    if _embedded is None:
        archive = subprocess.run(
            ["git", "-C", str(REPOSITORY), "archive", EMBEDDED_RELEASE, "skeleton/project"],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            raise AssertionError(
                f"cannot read {EMBEDDED_RELEASE[:7]} from the repository's history"
                f" ({archive.stderr.decode().strip()}); run the tests from a full git clone"
            )
        folder = Path(tempfile.mkdtemp(prefix="embedded-"))
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        project = folder / "skeleton" / "project"
        config = project / "src" / "config.py.jinja"
        rendered = config.read_text().replace("{{ postgres_port }}", "5432")
        (project / "src" / "config.py").write_text(rendered.replace("{{ database_name }}", "app"))
        _embedded = project
    return _embedded


def tearDownModule():
    if _embedded is not None:
        shutil.rmtree(_embedded.parents[1], ignore_errors=True)


class CompatibilityTest(OwnDatabaseTestCase):
    def embedded(self, code: str) -> dict:
        """How to run `code` with the old project's `src` importable, on this test's database."""
        project = embedded_project()
        url = self.url
        environ = {
            **os.environ,
            "PYTHONPATH": str(project),
            "APP_ENV": "test",
            "POSTGRES_HOST": url.host,
            "POSTGRES_PORT": str(url.port),
            "POSTGRES_USER": url.username,
            "POSTGRES_PASSWORD": url.password,
            "POSTGRES_DB": url.database,
        }
        preamble = textwrap.dedent("""
            import json, sys
            from datetime import timedelta
            from pathlib import Path
            from src.config import load_database_settings
            from src.dependency_container import build_tools
            tools = build_tools(load_database_settings())
        """)
        command = [sys.executable, "-c", preamble + textwrap.dedent(code)]
        return {"args": command, "cwd": project, "env": environ, "text": True}

    def run_embedded(self, code: str) -> subprocess.CompletedProcess:
        return subprocess.run(**self.embedded(code), capture_output=True, timeout=60, check=False)

    def start_embedded(self, code: str) -> subprocess.Popen:
        process = subprocess.Popen(
            **self.embedded(code), stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.addCleanup(process.kill)
        return process

    def test_the_same_tables_channel_and_lock(self):
        result = self.run_embedded("""
            from src.infrastructure.maintenance.tables import CHANNEL, MAINTENANCE_TABLES
            from src.infrastructure.migrator.lock import MIGRATION_LOCK_KEY
            print(json.dumps([CHANNEL, sorted(MAINTENANCE_TABLES), MIGRATION_LOCK_KEY]))
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = [CHANNEL, sorted(MAINTENANCE_TABLES), MIGRATION_LOCK_KEY]
        self.assertEqual(json.loads(result.stdout), expected)

    def test_a_window_opened_by_the_embedded_code_is_read_held_and_closed_by_the_library(self):
        opened = self.run_embedded("""
            window = tools.maintenance.open(
                mode="full", reason="by the old code", holder="manual:old",
                lease=timedelta(seconds=60),
            )
            print(window.id)
        """)
        self.assertEqual(opened.returncode, 0, opened.stderr)
        window = self.tools.maintenance.current()
        self.assertEqual(window.id, opened.stdout.strip())
        self.assertEqual((window.mode.value, window.reason), ("full", "by the old code"))
        self.assertTrue(self.operations.gate.refusing("GET"))
        with self.assertRaises(WindowHeld):
            self.tools.maintenance.open(
                mode="read-only", reason="new", holder="test", lease=timedelta(seconds=5)
            )

        self.assertEqual(self.tools.maintenance.close_current().outcome, Outcome.CLOSED)
        history = self.run_embedded("""
            record = tools.maintenance.history(1)[0]
            print(json.dumps([record.window_id, record.outcome.value, record.holder]))
        """)
        self.assertEqual(history.returncode, 0, history.stderr)
        self.assertEqual(json.loads(history.stdout), [window.id, "closed", "manual:old"])

    def embedded_migrations(self) -> Path:
        """The old project's migrations with its example 0002 (an expand step)."""
        project = embedded_project()
        folder = Path(tempfile.mkdtemp(prefix="embedded-migrations-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        shutil.copytree(project / "migrations", folder / "migrations")
        example = project / "tests" / "support" / "revisions" / "0002_add_todo_note.py"
        shutil.copy(example, folder / "migrations" / "versions")
        return folder / "migrations"

    def test_a_migration_by_the_embedded_migrator_is_in_the_librarys_history(self):
        location = self.embedded_migrations()
        migrated = self.run_embedded(f"""
            from src.commands.migrate import run_migrator
            from src.infrastructure.migrator.settings import MigratorSettings
            run = run_migrator(
                load_database_settings(), MigratorSettings(ack_wait=timedelta(0)),
                Path({str(location)!r}),
            )
            print(run.applied)
        """)
        self.assertEqual(migrated.returncode, 0, migrated.stderr)
        record = self.tools.maintenance.history(1)[0]
        self.assertEqual((record.outcome, record.to_revision), (Outcome.COMPLETED, "0002"))
        self.assertTrue(record.holder.startswith("migrate:"))

    def test_the_embedded_migrator_waits_for_the_librarys_lock(self):
        location = self.embedded_migrations()
        with migration_lock(self.tools.engine, timedelta(seconds=1), Abort()):
            busy = self.run_embedded(f"""
                from src.commands.migrate import run_migrator
                from src.infrastructure.migrator.settings import MigratorSettings
                settings = MigratorSettings(lock_wait=timedelta(seconds=0.5))
                run_migrator(load_database_settings(), settings, Path({str(location)!r}))
            """)
        self.assertNotEqual(busy.returncode, 0)
        self.assertIn("another migrator holds the migration lock", busy.stderr)
        self.assertEqual(self.tools.maintenance.history(10), [], "it opened no window")

    def test_the_library_waits_for_the_embedded_migrators_lock(self):
        holder = self.start_embedded("""
            from src.infrastructure.migrator.abort import Abort
            from src.infrastructure.migrator.lock import migration_lock
            with migration_lock(tools.engine, timedelta(seconds=5), Abort()):
                print("held", flush=True)
                sys.stdin.readline()
        """)
        self.assertEqual(holder.stdout.readline().strip(), "held")
        settings = MigratorSettings(lock_wait=timedelta(seconds=0.5))
        location = migrations_with(self, "0002_add_todo_note")
        with self.assertRaises(MigratorBusy):
            self.tools.migrator(settings, location).run(Abort())
        holder.communicate("\n", timeout=30)
        self.assertEqual(holder.returncode, 0)
        self.assertEqual(self.tools.migrator(settings, location).run(Abort()).applied, ["0002"])
