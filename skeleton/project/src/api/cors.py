"""Cross-origin requests, for the origins on the allow-list only ("*" allows any)."""

from flask import Flask, Response, request

from src.api.responses import no_content

ALLOWED_METHODS = "GET, POST, PATCH, DELETE"
ALLOWED_HEADERS = "Content-Type, X-Request-ID"
EXPOSED_HEADERS = "X-Request-ID"
PREFLIGHT_MAX_AGE_SECONDS = "600"


def init_cors(app: Flask, allowed_origins: tuple[str, ...]) -> None:
    allow_any = "*" in allowed_origins

    def allowed_origin() -> str | None:
        origin = request.headers.get("Origin")
        if origin and (allow_any or origin in allowed_origins):
            return origin
        return None

    def is_preflight() -> bool:
        return request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers

    @app.before_request
    def answer_preflight() -> Response | None:
        if is_preflight() and allowed_origin() and request.routing_exception is None:
            return no_content()
        return None

    @app.after_request
    def add_cors_headers(response: Response) -> Response:
        response.vary.add("Origin")
        origin = allowed_origin()
        if origin is None:
            return response
        response.headers["Access-Control-Allow-Origin"] = "*" if allow_any else origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if is_preflight():
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE_SECONDS
        return response
