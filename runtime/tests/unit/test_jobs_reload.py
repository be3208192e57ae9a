"""Developing (RELOAD_ON_CHANGE), a saved file under src/ replaces the worker process with a new
one, which the old one makes way for as on SIGTERM; and SIGTERM reaches the worker."""

import sys
import threading
from pathlib import Path

from shallot_runtime.jobs.reload import Reloader
from tests.support.wait import wait_until

# A stand-in for the worker: it says when it is ready and when it got SIGTERM, and exits 0.
CHILD = """
import os, signal, sys, time
from pathlib import Path
def stop(signum, frame):
    Path(sys.argv[1]).write_text("stopped")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
Path(sys.argv[2]).write_text(str(os.getpid()))
time.sleep(60)
"""


def test_a_saved_file_starts_a_new_worker_and_the_old_one_gets_sigterm(tmp_path: Path):
    code = tmp_path / "src"
    code.mkdir()
    task = code / "jobs.py"
    task.write_text("VERSION = 1\n")
    said, ready = tmp_path / "said", tmp_path / "ready"
    command = [sys.executable, "-c", CHILD, str(said), str(ready)]
    reloader = Reloader(command, code, stop_timeout=5)
    exit_code: list[int] = []
    thread = threading.Thread(target=lambda: exit_code.append(reloader.run(handle_signals=False)))
    thread.start()
    try:
        wait_until(lambda: ready.exists() and ready.read_text() == str(reloader.child_pid), 5)
        first = reloader.child_pid
        task.write_text("VERSION = 22\n")  # another size: seen whatever the clock's resolution
        wait_until(lambda: ready.read_text() not in ("", str(first)), 5)
        assert said.read_text() == "stopped"
        said.unlink()
    finally:
        reloader.stop()
        thread.join(10)
    assert exit_code == [0]
    assert said.read_text() == "stopped", "SIGTERM was passed on"
