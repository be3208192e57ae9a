"""gunicorn's configuration under shallot-serve: read from what shallot-serve set, and one that
gunicorn takes (its logger)."""

import gc
import runpy
import subprocess
import sys

from shallot_runtime.code_changes import code_versions
from shallot_runtime.serving import gunicorn_config

# gunicorn's logger, set up from every setting of the configuration, in a process of its own.
SET_UP_GUNICORNS_LOGGING = """
import gc
import runpy
from gunicorn.config import Config
from shallot_runtime.serving import gunicorn_config

config = Config()
for name, value in runpy.run_path(gunicorn_config.__file__).items():
    if name in config.settings:
        config.set(name, value)
log = config.logger_class(config)
log.error("configured")
print(log.access_log_enabled)
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


def test_gunicorn_logs_its_own_lines_in_json_and_builds_no_access_lines():
    done = subprocess.run(
        [sys.executable, "-c", SET_UP_GUNICORNS_LOGGING],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"logger": "gunicorn.error", "message": "configured"' in done.stderr
    assert done.stdout.strip() == "False", "nginx writes the access lines"


def test_a_worker_with_its_app_loaded_leaves_what_it_holds_out_of_garbage_collection():
    gc.unfreeze()
    try:
        gunicorn_config.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


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
