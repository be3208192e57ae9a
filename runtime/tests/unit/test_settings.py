"""ServiceSettings from the environment: each profile's defaults, production's refusals, the
secrets from files, and one line naming each bad variable."""

import os
from datetime import timedelta

import pytest

from shallot_runtime.settings import (
    DEVELOPMENT_SECRET_KEY,
    MAX_WEB_CONCURRENCY,
    ConfigError,
    ServiceSettings,
    load_named_settings,
    load_settings,
)
from tests.support.settings import ProjectSettings

PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "s" * 40, "POSTGRES_PASSWORD": "db-secret"}


@pytest.fixture
def environ(monkeypatch):
    """Sets the variables given, in an environment cleared of every variable settings read."""
    names = {name.upper() for name in ProjectSettings.model_fields}
    for name in list(os.environ):
        if name.upper() in names or name.upper() == "GUNICORN_WORKERS":
            monkeypatch.delenv(name)

    def set_variables(variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return set_variables


def load(environ, variables, settings_class=ServiceSettings, **options):
    environ(variables)
    return load_settings(settings_class, **options)


def problems(environ, variables, **options) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(environ, variables, **options)
    assert str(caught.value).startswith("invalid configuration: ")
    assert "\n" not in str(caught.value)  # one line, whoever prints it
    return caught.value.problems


def test_development_has_working_defaults(environ):
    settings = load(environ, {"APP_ENV": "development"})
    assert settings.profile == "development"
    assert settings.secret_key == DEVELOPMENT_SECRET_KEY
    assert settings.debug is True
    assert settings.cors_allowed_origins == ("*",)
    assert settings.max_content_length == 1024 * 1024
    assert (settings.metrics_enabled, settings.metrics_port) == (True, 0)
    assert settings.postgres_password == "postgres"
    assert settings.database.connect_timeout == timedelta(seconds=3)
    assert settings.database.statement_timeout == timedelta(seconds=10)


def test_the_test_profile_has_no_debug_and_no_origins(environ):
    settings = load(environ, {"APP_ENV": "test"})
    assert (settings.debug, settings.cors_allowed_origins) == (False, ())


def test_the_profile_defaults_to_production_which_has_no_default_secrets(environ):
    assert problems(environ, {}) == [
        "POSTGRES_PASSWORD is not set, and production has no default for it;"
        " set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE.",
        "SECRET_KEY is not set, and production has no default for it;"
        " set SECRET_KEY or SECRET_KEY_FILE.",
    ]


def test_production_with_its_secrets_loads(environ):
    origins = "https://a.example, https://b.example/"
    settings = load(environ, {**PRODUCTION, "CORS_ALLOWED_ORIGINS": origins})
    assert settings.debug is False
    assert settings.cors_allowed_origins == ("https://a.example", "https://b.example")


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "SECRET_KEY is the development key"),
        ({"SECRET_KEY": "short"}, "shorter than 32"),
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"CORS_ALLOWED_ORIGINS": "*"}, "CORS_ALLOWED_ORIGINS allows '*'"),
    ],
)
def test_production_refuses_development_defaults(environ, variables, problem):
    (found,) = problems(environ, {**PRODUCTION, **variables})
    assert problem in found


def test_the_database_tools_need_only_the_database_password(environ):
    settings = load(environ, {"POSTGRES_PASSWORD": "db-secret"}, database_only=True)
    assert settings.secret_key == ""
    (found,) = problems(environ, {"POSTGRES_PASSWORD": ""}, database_only=True)
    assert found.startswith("POSTGRES_PASSWORD is not set")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("APP_ENV", "staging"),
        ("MAX_CONTENT_LENGTH", "1MB"),
        ("MAX_CONTENT_LENGTH", "0"),
        ("POSTGRES_PORT", "0"),
        ("METRICS_PORT", "-1"),
        ("METRICS_ENABLED", "sometimes"),
        ("DEBUG", "perhaps"),
        ("LOG_LEVEL", "LOUD"),
        ("RELOAD_ON_CHANGE", "maybe"),
        ("DB_CONNECT_TIMEOUT", "0"),
        ("DB_STATEMENT_TIMEOUT", "0.5"),
    ],
)
def test_a_bad_value_is_one_problem_that_names_the_variable(environ, name, value):
    (found,) = problems(environ, {"APP_ENV": "test", name: value})
    assert found.startswith(f"{name}={value!r}: "), found


def test_an_origin_that_is_not_one_is_named(environ):
    (found,) = problems(environ, {"APP_ENV": "test", "CORS_ALLOWED_ORIGINS": "example.com"})
    assert found.startswith("CORS_ALLOWED_ORIGINS='example.com': 'example.com' is not '*'")


def test_every_problem_is_reported_at_once(environ):
    found = problems(environ, {"APP_ENV": "test", "DEBUG": "x", "POSTGRES_PORT": "y"})
    assert [problem.partition("=")[0] for problem in found] == ["DEBUG", "POSTGRES_PORT"]


def test_the_profile_and_the_log_level_are_read_in_any_case(environ):
    settings = load(environ, {"APP_ENV": " Development ", "LOG_LEVEL": "debug"})
    assert (settings.profile, settings.log_level) == ("development", "DEBUG")


def test_an_empty_variable_is_an_unset_one(environ):
    empty = ("DEBUG", "METRICS_PORT", "WEB_CONCURRENCY", "CORS_ALLOWED_ORIGINS", "SECRET_KEY_FILE")
    settings = load(environ, {"APP_ENV": "development", **dict.fromkeys(empty, "")})
    assert (settings.debug, settings.metrics_port) == (True, 0)
    assert settings.cors_allowed_origins == ("*",)
    assert settings.secret_key == DEVELOPMENT_SECRET_KEY
    assert settings.web_concurrency >= 1


def test_the_secrets_can_come_from_files(environ, tmp_path):
    (tmp_path / "password").write_text("from-a-file\n")
    (tmp_path / "key").write_text("k" * 40 + "\n")
    variables = {
        "APP_ENV": "production",
        "POSTGRES_PASSWORD_FILE": str(tmp_path / "password"),
        "SECRET_KEY_FILE": str(tmp_path / "key"),
    }
    settings = load(environ, variables)
    assert settings.postgres_password == "from-a-file"
    assert settings.database.url.password == "from-a-file"
    assert settings.secret_key == "k" * 40


def test_a_secret_file_that_cannot_be_read_is_named(environ):
    (found,) = problems(environ, {"APP_ENV": "test", "POSTGRES_PASSWORD_FILE": "/no/such/file"})
    assert found == (
        "POSTGRES_PASSWORD_FILE='/no/such/file' cannot be read (No such file or directory)."
    )


def test_a_secret_set_both_ways_is_refused(environ):
    variables = {"APP_ENV": "test", "POSTGRES_PASSWORD": "a", "POSTGRES_PASSWORD_FILE": "/x"}
    (found,) = problems(environ, variables)
    assert found == "both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set; set only one."


def test_both_secrets_files_problems_are_reported_at_once(environ):
    variables = {"APP_ENV": "test", "SECRET_KEY_FILE": "/no/key", "POSTGRES_PASSWORD_FILE": "/no"}
    found = problems(environ, variables)
    assert [problem.partition("=")[0] for problem in found] == [
        "SECRET_KEY_FILE",
        "POSTGRES_PASSWORD_FILE",
    ]


def test_the_database_url_escapes_the_password(environ):
    settings = load(environ, {"APP_ENV": "test", "POSTGRES_PASSWORD": "p@ss/w:rd"})
    assert settings.database.url.password == "p@ss/w:rd"
    assert "p%40ss%2Fw%3Ard" in settings.database.url.render_as_string(hide_password=False)


def test_the_database_timeouts_are_whole_seconds(environ):
    variables = {"APP_ENV": "test", "DB_CONNECT_TIMEOUT": "2", "DB_STATEMENT_TIMEOUT": "30"}
    database = load(environ, variables).database
    assert database.connect_timeout == timedelta(seconds=2)
    assert database.statement_timeout == timedelta(seconds=30)


def test_web_concurrency_is_one_per_cpu_and_one_more_by_default_at_most_eight(environ):
    expected = min(len(os.sched_getaffinity(0)) + 1, MAX_WEB_CONCURRENCY)
    assert load(environ, {"APP_ENV": "test"}).web_concurrency == expected
    assert load(environ, {"WEB_CONCURRENCY": "3"}).web_concurrency == 3


def test_gunicorn_workers_of_earlier_projects_is_not_read(environ):
    expected = min(len(os.sched_getaffinity(0)) + 1, MAX_WEB_CONCURRENCY)
    settings = load(environ, {"APP_ENV": "test", "GUNICORN_WORKERS": "5"})
    assert settings.web_concurrency == expected


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_web_concurrency_but_a_whole_number_of_at_least_one_is_refused_by_name(environ, value):
    (found,) = problems(environ, {"APP_ENV": "test", "WEB_CONCURRENCY": value})
    assert found.startswith(f"WEB_CONCURRENCY={value!r}: ")


def test_a_projects_settings_class_has_its_own_defaults_and_fields(environ):
    settings = load(environ, {"APP_ENV": "test"}, ProjectSettings)
    assert isinstance(settings, ProjectSettings)
    assert (settings.postgres_port, settings.page_size) == (5433, 50)
    assert load(environ, {"PAGE_SIZE": "20"}, ProjectSettings).page_size == 20
    (found,) = problems(environ, {"PAGE_SIZE": "many"}, settings_class=ProjectSettings)
    assert found.startswith("PAGE_SIZE='many': ")


def test_the_settings_are_read_once_and_cannot_change(environ):
    settings = load(environ, {"APP_ENV": "test"})
    with pytest.raises(ValueError, match="frozen"):
        settings.debug = True


def test_a_settings_class_named_module_colon_name_is_loaded_and_checked(environ):
    environ({"APP_ENV": "development"})
    settings = load_named_settings("tests.support.settings:ProjectSettings")
    assert isinstance(settings, ProjectSettings) and settings.postgres_port == 5433
    environ({"APP_ENV": "production"})
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_named_settings("tests.support.settings:ProjectSettings")


@pytest.mark.parametrize(
    "target", ["tests.support.settings:AuthSettings", "tests.support.settings:Missing"]
)
def test_a_name_that_is_not_a_settings_class_is_refused_in_one_line(target):
    with pytest.raises(ConfigError) as refused:
        load_named_settings(target)
    assert refused.value.problems == [f"{target} is not a settings class (a ServiceSettings)"]
