"""shallot-serve: the settings checked first, then the environment gunicorn's configuration
reads, and nginx's and supervisord's configurations written from the settings."""

import configparser
import importlib
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

from shallot_runtime.serving import development_app, serve
from tests.support.web_app import make_settings

APP = "src.app:app"
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
SET_BY_SERVE = (
    "WEB_CONCURRENCY",
    "LOG_LEVEL",
    "SHALLOT_APP",
    "RELOAD_ON_CHANGE",
    "PROMETHEUS_MULTIPROC_DIR",
    "SHALLOT_RUN_DIR",
)


@pytest.fixture
def metrics(tmp_path) -> Path:
    return tmp_path / "metrics"


def test_prepare_environment_sets_what_gunicorns_configuration_reads(metrics):
    settings = make_settings({"WEB_CONCURRENCY": "3", "LOG_LEVEL": "warning"})
    environ = {"PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    serve.prepare_environment(environ, settings, "pkg.module:application")
    assert environ["WEB_CONCURRENCY"] == "3"
    assert environ["LOG_LEVEL"] == "WARNING"
    assert environ["SHALLOT_APP"] == "pkg.module:application"
    assert metrics.is_dir()


@pytest.mark.parametrize(("value", "expected"), [("yes", "true"), ("1", "true"), ("off", None)])
def test_reload_on_change_is_true_or_unset(metrics, value, expected):
    settings = make_settings({"RELOAD_ON_CHANGE": value})
    environ = {"RELOAD_ON_CHANGE": value, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    serve.prepare_environment(environ, settings, APP)
    assert environ.get("RELOAD_ON_CHANGE") == expected


def test_an_earlier_runs_metrics_are_removed(metrics):
    metrics.mkdir()
    for name in ("counter_123.db", "gauge_livesum_123.db", "notes.txt"):
        (metrics / name).touch()
    serve.prepare_environment({"PROMETHEUS_MULTIPROC_DIR": str(metrics)}, make_settings(), APP)
    assert [path.name for path in metrics.iterdir()] == ["notes.txt"]


def test_the_metrics_live_in_shared_memory_by_default(monkeypatch, tmp_path):
    monkeypatch.setattr(serve, "SHARED_MEMORY", tmp_path)
    environ = {}
    serve.prepare_environment(environ, make_settings(), APP)
    assert environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "metrics")
    assert (tmp_path / "metrics").is_dir()


def test_the_metrics_fall_back_to_the_temporary_folder_without_shared_memory(monkeypatch):
    monkeypatch.setattr(serve, "SHARED_MEMORY", Path("/nonexistent/shm"))
    assert serve.metrics_dir() == Path(tempfile.gettempdir()) / "metrics"


def write(tmp_path, environ=None, port=None) -> tuple[str, configparser.RawConfigParser]:
    """nginx.conf's text, and supervisord.conf as supervisord reads it."""
    settings = make_settings(environ)
    serve_environ = {} if port is None else {"PORT": port}
    written = serve.write_configurations(tmp_path, settings, APP, serve_environ)
    assert written == tmp_path / "supervisord.conf"
    supervisord = configparser.RawConfigParser()
    supervisord.read_string(written.read_text())
    return (tmp_path / "nginx.conf").read_text(), supervisord


def test_every_placeholder_is_filled(tmp_path):
    write(tmp_path, {"METRICS_PORT": "9100", "RELOAD_ON_CHANGE": "true"})
    for name in ("nginx.conf", "supervisord.conf"):
        lines = (tmp_path / name).read_text().splitlines()
        settings = "\n".join(line for line in lines if not line.lstrip().startswith(("#", ";")))
        assert not PLACEHOLDER.findall(settings), name
        assert f"{tmp_path}/" in settings, name


def test_nginx_listens_on_port_and_refuses_bodies_over_the_limit(tmp_path):
    nginx, _ = write(tmp_path, {"MAX_CONTENT_LENGTH": "12345"})
    assert "client_max_body_size 12345;" in nginx
    assert f"listen {serve.DEFAULT_PORT} default_server;" in nginx
    assert f"server unix:{tmp_path}/gunicorn.sock;" in nginx
    nginx, _ = write(tmp_path, port="8080")
    assert "listen 8080 default_server;" in nginx


def test_the_metrics_server_only_with_a_metrics_port(tmp_path):
    nginx, _ = write(tmp_path)
    assert re.findall(r"listen (\S+)", nginx) == [f"{serve.DEFAULT_PORT}"]
    nginx, _ = write(tmp_path, {"METRICS_PORT": "9100"})
    assert re.findall(r"listen (\S+)", nginx) == [f"{serve.DEFAULT_PORT}", "9100;"]


def test_supervisord_runs_gunicorn_on_the_app_in_the_project(tmp_path):
    _, supervisord = write(tmp_path)
    gunicorn = supervisord["program:gunicorn"]
    config = "python:shallot_runtime.serving.gunicorn_config"
    assert gunicorn["command"] == f"{sys.executable} -m gunicorn --config {config} {APP}"
    assert gunicorn["directory"] == str(Path.cwd())
    assert supervisord["supervisord"]["pidfile"] == f"{tmp_path}/supervisord.pid"
    assert "nginx.conf" in supervisord["program:nginx"]["command"]


def test_the_development_app_only_with_reload_on_change(tmp_path):
    _, supervisord = write(tmp_path, {"RELOAD_ON_CHANGE": "true"})
    command = supervisord["program:gunicorn"]["command"]
    assert command.endswith(" shallot_runtime.serving.development_app:app")


@pytest.fixture
def serving(monkeypatch, tmp_path):
    """main() in a folder of the test's own, with supervisord stood in for; what it was given."""
    for name in SET_BY_SERVE:  # recorded, so that what main() sets is undone
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("APP_ENV", "test")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(serve, "FATAL_MARKER", tmp_path / "supervisord-fatal")
    monkeypatch.setattr(sys, "path", list(sys.path))
    started = []
    monkeypatch.setattr(serve.supervisord, "main", started.append)
    return started


SETTINGS = ["--settings", "tests.support.settings:ProjectSettings"]


def test_a_bad_setting_is_one_line_and_nothing_starts(serving, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PAGE_SIZE", "many")
    assert serve.main([APP, *SETTINGS]) == 1
    stderr = capsys.readouterr().err
    assert stderr.startswith("shallot-serve: invalid configuration: PAGE_SIZE='many': ")
    assert stderr.count("\n") == 1
    assert serving == []
    assert "WEB_CONCURRENCY" not in os.environ
    assert not (tmp_path / "supervisord.conf").exists()


def test_production_without_its_secrets_does_not_start(serving, monkeypatch, capsys):
    monkeypatch.delenv("APP_ENV")
    assert serve.main([APP, *SETTINGS]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("shallot-serve: invalid configuration: POSTGRES_PASSWORD is not set")
    assert "SECRET_KEY is not set" in line
    assert serving == []


def test_good_settings_start_supervisord_on_what_was_written(serving, tmp_path):
    assert serve.main([APP, *SETTINGS]) == 0
    assert serving == [["--configuration", str(tmp_path / "supervisord.conf")]]
    assert (tmp_path / "nginx.conf").exists()
    assert (os.environ["SHALLOT_APP"], os.environ["SHALLOT_RUN_DIR"]) == (APP, str(tmp_path))


def test_a_program_that_cannot_stay_up_exits_1(serving, monkeypatch, capsys):
    monkeypatch.setattr(
        serve.supervisord, "main", lambda _: serve.FATAL_MARKER.write_text("gunicorn")
    )
    assert serve.main([APP, *SETTINGS]) == 1
    assert "shallot-serve: gunicorn could not stay up; exiting 1" in capsys.readouterr().err


def test_a_marker_of_an_earlier_run_is_removed_first(serving):
    serve.FATAL_MARKER.write_text("nginx")
    assert serve.main([APP, *SETTINGS]) == 0


def test_the_development_app_answers_500_while_the_code_does_not_load(monkeypatch, tmp_path):
    (tmp_path / "broken_project_app.py").write_text("app = undefined_name\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    app = development_app.load("broken_project_app:app")
    answered = []
    body = b"".join(app({}, lambda status, headers: answered.append((status, dict(headers)))))
    assert answered == [("500 Internal Server Error", {"Content-Type": "text/plain"})]
    assert b"does not load" in body
    assert b"NameError: name 'undefined_name' is not defined" in body


def test_the_development_app_is_the_projects_once_it_loads(monkeypatch):
    assert development_app.load("tests.support.settings:ProjectSettings").__name__ == (
        "ProjectSettings"
    )
    monkeypatch.setattr(development_app, "app", development_app.app)  # undone after the reload
    monkeypatch.setenv("SHALLOT_APP", "tests.support.settings")
    monkeypatch.setattr(sys.modules["tests.support.settings"], "app", "the app", raising=False)
    assert importlib.reload(development_app).app == "the app"  # SHALLOT_APP's, named app
