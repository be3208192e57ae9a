"""gunicorn's configuration under shallot-serve: read from what shallot-serve set, and one that
gunicorn takes (its logging, laid over gunicorn's own defaults)."""

import runpy
import subprocess
import sys

from shallot_runtime.code_changes import code_versions
from shallot_runtime.serving import gunicorn_config

# gunicorn's own setup of its logging, in a process of its own: it configures the root logger.
SET_UP_GUNICORNS_LOGGING = """
from gunicorn.config import Config
from gunicorn.glogging import Logger
from shallot_runtime.serving import gunicorn_config

config = Config()
config.set("logconfig_dict", gunicorn_config.logconfig_dict)
Logger(config).error("configured")
"""


def test_the_workers_and_the_sockets_come_from_what_shallot_serve_set(monkeypatch, tmp_path):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("SHALLOT_RUN_DIR", str(tmp_path))
    settings = runpy.run_path(gunicorn_config.__file__)
    assert (settings["workers"], settings["threads"], settings["worker_class"]) == (3, 2, "gthread")
    assert settings["bind"] == [f"unix:{tmp_path}/gunicorn.sock"]
    assert "protocol" not in settings, "HTTP, gunicorn's default: nginx proxies to it"
    limits = (settings["limit_request_line"], settings["limit_request_field_size"])
    assert limits == (0, 0), "nginx bounds them"
    assert settings["keepalive"] > 4, "longer than nginx keeps an idle connection to it (4 s)"
    assert settings["control_socket"] == f"{tmp_path}/gunicorn.ctl"


def test_gunicorn_sets_up_its_logging_with_it():
    done = subprocess.run(
        [sys.executable, "-c", SET_UP_GUNICORNS_LOGGING],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"logger": "gunicorn.error", "message": "configured"' in done.stderr


def test_a_saved_added_or_removed_file_is_a_change(tmp_path):
    (tmp_path / "app.py").write_text("a = 1\n")
    before = code_versions(tmp_path)
    (tmp_path / "app.py").write_text("a = 12\n")
    saved = code_versions(tmp_path)
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "new.py").touch()
    added = code_versions(tmp_path)
    (tmp_path / "notes.txt").touch()  # not code
    assert code_versions(tmp_path) == added
    (tmp_path / "app.py").unlink()
    removed = code_versions(tmp_path)
    assert len({repr(before), repr(saved), repr(added), repr(removed)}) == 4
