"""deploy/supervise.py: the settings are checked before anything starts, and uWSGI's are worked
out from them (deploy/uwsgi.ini reads them from the environment)."""

import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from src.config import ConfigError
from src.dependency_container import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "deploy"))
import supervise
from supervise import MAX_LISTEN, metrics_dir, prepare_uwsgi


class PrepareUwsgiTest(unittest.TestCase):
    def setUp(self):
        self.metrics = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.environ = {"APP_ENV": "development", "PROMETHEUS_MULTIPROC_DIR": str(self.metrics)}

    def test_sets_what_uwsgi_ini_reads_and_empties_the_metrics_folder(self):
        (self.metrics / "counter_123.db").touch()
        environ = {**self.environ, "METRICS_PORT": "9100", "RELOAD_ON_CHANGE": "yes"}
        self.assertEqual(prepare_uwsgi(environ), 1024 * 1024)
        self.assertEqual(environ["METRICS_PORT"], "9100")
        self.assertEqual(environ["RELOAD_ON_CHANGE"], "true")
        self.assertTrue(environ["WEB_CONCURRENCY"].isdigit())
        self.assertTrue(1 <= int(environ["UWSGI_LISTEN"]) <= MAX_LISTEN)
        self.assertEqual(list(self.metrics.iterdir()), [])

    def test_what_is_off_is_left_unset_for_uwsgi_ini_if_env(self):
        environ = {**self.environ, "METRICS_PORT": "0", "RELOAD_ON_CHANGE": "false"}
        prepare_uwsgi(environ)
        self.assertNotIn("METRICS_PORT", environ)
        self.assertNotIn("RELOAD_ON_CHANGE", environ)

    def test_a_bad_setting_is_refused_before_anything_is_touched(self):
        (self.metrics / "counter_123.db").touch()
        with self.assertRaises(ConfigError):
            prepare_uwsgi({**self.environ, "APP_ENV": "production"})
        self.assertEqual([path.name for path in self.metrics.iterdir()], ["counter_123.db"])


class MetricsDirTest(unittest.TestCase):
    def test_in_shared_memory_where_it_may_be_written(self):
        memory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        with mock.patch.object(supervise, "SHARED_MEMORY", memory):
            self.assertEqual(metrics_dir(), memory / "metrics")

    def test_in_the_temporary_folder_where_there_is_no_shared_memory(self):
        with mock.patch.object(supervise, "SHARED_MEMORY", Path("/nonexistent/shm")):
            self.assertEqual(metrics_dir(), Path(tempfile.gettempdir()) / "metrics")
