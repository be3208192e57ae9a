"""deploy/supervise.py: the settings are checked before anything starts, and uWSGI's are worked
out from them (deploy/uwsgi.ini reads them from the environment)."""

import os
import sys
import tempfile
import unittest
from pathlib import Path

from src.config import ConfigError
from src.dependency_container import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "deploy"))
from supervise import MAX_LISTEN, MAX_WORKERS, prepare_uwsgi, web_concurrency


class WebConcurrencyTest(unittest.TestCase):
    def test_web_concurrency_first_then_gunicorn_workers_of_earlier_projects(self):
        self.assertEqual(web_concurrency({"WEB_CONCURRENCY": "3", "GUNICORN_WORKERS": "5"}), 3)
        self.assertEqual(web_concurrency({"GUNICORN_WORKERS": "5"}), 5)

    def test_by_default_one_per_cpu_and_one_more_at_most_eight(self):
        expected = min(len(os.sched_getaffinity(0)) + 1, MAX_WORKERS)
        self.assertEqual(web_concurrency({}), expected)

    def test_anything_but_a_whole_number_of_at_least_one_is_refused_by_name(self):
        for name in ("WEB_CONCURRENCY", "GUNICORN_WORKERS"):
            for value in ("0", "-1", "two", "1.5"):
                with self.subTest(name=name, value=value), self.assertRaises(ConfigError) as caught:
                    web_concurrency({name: value})
                self.assertIn(name, caught.exception.problems[0])


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
