"""One access line per request, written by the app as it answers: JSON like every other line
(src.json_logging adds the request id, and the trace's ids when tracing is on)."""

import logging
import time

from flask import Flask, Response, g, request

ACCESS = logging.getLogger("access")


def init_access_log(app: Flask) -> None:
    @app.before_request
    def start_clock() -> None:
        g.access_started = time.perf_counter()

    @app.after_request
    def log_access(response: Response) -> Response:
        started = g.pop("access_started", None)
        duration = time.perf_counter() - started if started is not None else 0.0
        fields = {
            "method": request.method,
            "path": request.path,
            "query": request.query_string.decode("latin-1"),
            "status": response.status_code,
            "bytes": response.content_length,
            "duration_ms": round(duration * 1000, 2),
            "remote": request.headers.get("X-Forwarded-For", request.remote_addr),
            "user_agent": request.user_agent.string,
        }
        ACCESS.info(
            "%s %s %s", request.method, request.path, response.status_code, extra={"fields": fields}
        )
        return response
