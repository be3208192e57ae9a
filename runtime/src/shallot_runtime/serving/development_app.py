"""Development only (RELOAD_ON_CHANGE): the project's app, or, while its code does not load,
an app that answers every request 500 with the error, until a save fixes it and the workers
reload. In production an app that does not load stops the server instead."""

import importlib
import os
import traceback
from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def load(target: str) -> WsgiApp:
    module, _, name = target.partition(":")
    try:
        return getattr(importlib.import_module(module), name or "app")
    except Exception:  # any error in the project's code is shown, not fatal
        return _failing(traceback.format_exc())


def _failing(error: str) -> WsgiApp:
    body = f"The app's code does not load; save a fix and it reloads.\n\n{error}".encode()

    def answer(_environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
        return [body]

    return answer


app = load(os.environ.get("SHALLOT_APP", "src.app:app"))
