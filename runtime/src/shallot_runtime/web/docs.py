"""Swagger UI at /docs, on the document at /openapi.json, from the files that the
flask-swagger-ui package ships: no CDN.

The page holds no inline script or style, so its Content-Security-Policy allows this origin
only, and data: images, which Swagger UI's stylesheet draws its icons with.
"""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response

SWAGGER_UI = Path(flask_swagger_ui.__file__).parent / "dist"
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API documentation</title>
<link rel="stylesheet" href="/docs/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
"""
START = 'SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null});\n'
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

DOCS = "docs"  # the blueprint's name
docs = Blueprint(DOCS, __name__, static_folder=SWAGGER_UI, static_url_path="/docs/swagger-ui")


@docs.get("/docs")
def docs_page() -> Response:
    return Response(PAGE, mimetype="text/html")


@docs.get("/docs/start.js")
def start_script() -> Response:
    return Response(START, mimetype="text/javascript")


@docs.after_request
def lock_down(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    return response
