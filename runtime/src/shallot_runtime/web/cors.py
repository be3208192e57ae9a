"""Cross-origin requests, by flask-cors, for the origins on the allow-list only ("*" allows any)."""

from flask import Flask, Response
from flask_cors import CORS


def init_cors(app: Flask, allowed_origins: tuple[str, ...]) -> None:
    if not allowed_origins:
        return  # no origin is allowed: no response depends on Origin, and nothing runs per request
    allow_any = "*" in allowed_origins
    CORS(
        app,
        origins="*" if allow_any else list(allowed_origins),
        send_wildcard=allow_any,
        always_send=False,  # no Origin, no CORS headers
        methods=["GET", "POST", "PATCH", "DELETE"],
        # A browser app sends its access token, and reads why it was refused.
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["WWW-Authenticate", "X-Request-ID"],
        max_age=600,
    )

    @app.after_request
    def vary_on_origin(response: Response) -> Response:
        # flask-cors adds it only for some allow-lists; every response here depends on Origin.
        response.vary.add("Origin")
        return response
