"""Swagger UI at /docs, from the package's own files, under a policy that allows this origin."""

import pytest

from shallot_runtime.web.docs import POLICY
from tests.support.web_app import make_web_app


@pytest.fixture
def client():
    return make_web_app().test_client()


def test_the_page_loads_its_script_and_style_from_this_origin(client):
    response = client.get("/docs")
    assert (response.status_code, response.mimetype) == (200, "text/html")
    page = response.get_data(as_text=True)
    assert 'src="/docs/swagger-ui/swagger-ui-bundle.js"' in page
    assert "<script>" not in page  # no inline script: the policy allows none
    assert "https://" not in page  # no CDN


@pytest.mark.parametrize("path", ["/docs", "/docs/start.js", "/docs/swagger-ui/swagger-ui.css"])
def test_the_docs_are_served_under_their_own_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == POLICY
    assert "script-src 'self'" in POLICY and "img-src 'self' data:" in POLICY


def test_the_start_script_reads_the_document(client):
    script = client.get("/docs/start.js")
    assert script.mimetype == "text/javascript"
    assert '"/openapi.json"' in script.get_data(as_text=True)


def test_other_responses_keep_the_strict_policy(client):
    policy = client.get("/healthz").headers["Content-Security-Policy"]
    assert policy == "default-src 'none'; frame-ancestors 'none'"
