"""The web app as real gunicorn workers serve it (tests/integration/test_metrics_across_workers):
the runtime's platform on stand-ins, no database, and a route that holds its request while the
test kills the worker that answers it."""

import os
import time
from pathlib import Path

from flask import Response

from tests.support.web_app import make_web_app

# Where the held request's worker writes its pid; what the test sets.
HOLD_PID_FILE = "HOLD_PID_FILE"
HOLD_SECONDS = 30  # the most a held request waits; the test kills its worker well before

app = make_web_app()


@app.get("/test-only/hold")
def hold() -> Response:
    Path(os.environ[HOLD_PID_FILE]).write_text(str(os.getpid()))
    time.sleep(HOLD_SECONDS)
    return Response("released")
