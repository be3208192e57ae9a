"""The OpenAPI document and a small page that lists its operations."""

from flask import Blueprint, Response

from src.api.docs_page import DOCS_PAGE, DOCS_PAGE_CSP
from src.api.openapi import build_openapi
from src.api.responses import json_response

docs = Blueprint("docs", __name__)


@docs.get("/openapi.json")
def openapi_json() -> Response:
    return json_response(build_openapi())


@docs.get("/docs")
def docs_page() -> Response:
    response = Response(DOCS_PAGE, mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_PAGE_CSP
    return response
