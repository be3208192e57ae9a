import os
import tempfile
import unittest
from datetime import timedelta
from pathlib import Path

from src.config import (
    DEVELOPMENT_SECRET_KEY,
    MAX_WEB_CONCURRENCY,
    ConfigError,
    load_config,
    load_database_settings,
)

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "POSTGRES_PASSWORD": "db-secret",
}


class ConfigTest(unittest.TestCase):
    def assertProblem(self, environ, *fragments):
        with self.assertRaises(ConfigError) as caught:
            load_config(environ)
        message = str(caught.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)

    def test_development_has_working_defaults(self):
        config = load_config({"APP_ENV": "development"})
        self.assertEqual(config.secret_key, DEVELOPMENT_SECRET_KEY)
        self.assertTrue(config.debug)
        self.assertEqual(config.cors_allowed_origins, ("*",))
        self.assertEqual(config.max_content_length, 1024 * 1024)
        self.assertEqual(config.database.password, "postgres")
        self.assertEqual(config.database.connect_timeout, timedelta(seconds=3))
        self.assertEqual(config.database.statement_timeout, timedelta(seconds=10))

    def test_the_profile_defaults_to_production(self):
        self.assertProblem(
            {},
            "SECRET_KEY is not set, and production has no default for it; set SECRET_KEY or",
            "POSTGRES_PASSWORD is not set",
        )

    def test_production_with_its_secrets_loads(self):
        config = load_config(
            {**PRODUCTION, "CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example/"}
        )
        self.assertFalse(config.debug)
        self.assertEqual(config.cors_allowed_origins, ("https://a.example", "https://b.example"))

    def test_production_refuses_development_defaults(self):
        self.assertProblem(
            {**PRODUCTION, "SECRET_KEY": DEVELOPMENT_SECRET_KEY},
            "SECRET_KEY is the development key",
        )
        self.assertProblem({**PRODUCTION, "SECRET_KEY": "short"}, "shorter than 32")
        self.assertProblem({**PRODUCTION, "DEBUG": "true"}, "DEBUG is on")
        self.assertProblem(
            {**PRODUCTION, "CORS_ALLOWED_ORIGINS": "*"}, "CORS_ALLOWED_ORIGINS allows '*'"
        )

    def test_bad_values_are_named(self):
        self.assertProblem({"APP_ENV": "staging"}, "APP_ENV='staging'")
        self.assertProblem(
            {"APP_ENV": "test", "MAX_CONTENT_LENGTH": "1MB"}, "MAX_CONTENT_LENGTH='1MB'"
        )
        self.assertProblem({"APP_ENV": "test", "POSTGRES_PORT": "0"}, "POSTGRES_PORT='0'")
        self.assertProblem({"APP_ENV": "test", "DEBUG": "perhaps"}, "DEBUG='perhaps'")
        self.assertProblem({"APP_ENV": "test", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL='LOUD'")
        self.assertProblem(
            {"APP_ENV": "test", "CORS_ALLOWED_ORIGINS": "example.com"}, "'example.com'"
        )

    def test_every_problem_is_reported_at_once(self):
        with self.assertRaises(ConfigError) as caught:
            load_config({"APP_ENV": "test", "DEBUG": "x", "POSTGRES_PORT": "y"})
        self.assertEqual(len(caught.exception.problems), 2)

    def test_the_password_can_come_from_a_file(self):
        with tempfile.TemporaryDirectory() as folder:
            secret = Path(folder, "password")
            secret.write_text("from-a-file\n")
            settings = load_database_settings(
                {"APP_ENV": "test", "POSTGRES_PASSWORD_FILE": str(secret)}
            )
        self.assertEqual(settings.password, "from-a-file")
        self.assertEqual(settings.url.password, "from-a-file")

    def test_password_file_problems_are_named(self):
        self.assertProblem(
            {"APP_ENV": "test", "POSTGRES_PASSWORD_FILE": "/no/such/file"},
            "POSTGRES_PASSWORD_FILE='/no/such/file'",
        )
        self.assertProblem(
            {"APP_ENV": "test", "POSTGRES_PASSWORD": "a", "POSTGRES_PASSWORD_FILE": "/x"},
            "both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE",
        )

    def test_the_database_url_escapes_the_password(self):
        settings = load_database_settings({"APP_ENV": "test", "POSTGRES_PASSWORD": "p@ss/w:rd"})
        self.assertEqual(settings.url.password, "p@ss/w:rd")
        self.assertIn("p%40ss%2Fw%3Ard", settings.url.render_as_string(hide_password=False))

    def test_the_database_timeouts_are_whole_seconds(self):
        settings = load_database_settings(
            {"APP_ENV": "test", "DB_CONNECT_TIMEOUT": "2", "DB_STATEMENT_TIMEOUT": "30"}
        )
        self.assertEqual(settings.connect_timeout, timedelta(seconds=2))
        self.assertEqual(settings.statement_timeout, timedelta(seconds=30))
        self.assertProblem(
            {"APP_ENV": "test", "DB_STATEMENT_TIMEOUT": "0.5"},
            "DB_STATEMENT_TIMEOUT='0.5' is not a whole number of at least 1.",
        )

    def test_web_concurrency_first_then_gunicorn_workers_of_earlier_projects(self):
        both = {"APP_ENV": "development", "WEB_CONCURRENCY": "3", "GUNICORN_WORKERS": "5"}
        self.assertEqual(load_config(both).web_concurrency, 3)
        earlier = {"APP_ENV": "development", "GUNICORN_WORKERS": "5"}
        self.assertEqual(load_config(earlier).web_concurrency, 5)

    def test_web_concurrency_is_one_per_cpu_and_one_more_by_default_at_most_eight(self):
        expected = min(len(os.sched_getaffinity(0)) + 1, MAX_WEB_CONCURRENCY)
        self.assertEqual(load_config({"APP_ENV": "development"}).web_concurrency, expected)

    def test_web_concurrency_but_a_whole_number_of_at_least_one_is_refused_by_name(self):
        for name in ("WEB_CONCURRENCY", "GUNICORN_WORKERS"):
            for value in ("0", "-1", "two", "1.5"):
                with self.subTest(name=name, value=value):
                    self.assertProblem({"APP_ENV": "development", name: value}, f"{name}={value!r}")
