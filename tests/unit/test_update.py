"""What `shallot update` reads before it changes anything: the project's release, the image it
moves to, and whether a registry has that image (a local HTTP server stands in for one)."""

import http.server
import json
import threading
from pathlib import Path

import pytest
from packaging.version import Version

from shallot import registry
from shallot.errors import BadInput, ShallotError
from shallot.releases import Project, image_for, parse


def _project(folder: Path, answers: str, pyproject: str | None = None) -> Path:
    folder.mkdir()
    (folder / ".copier-answers.yml").write_text(answers)
    if pyproject is not None:
        (folder / "pyproject.toml").write_text(pyproject)
    return folder


def test_the_release_is_the_recorded_commit(tmp_path):
    folder = _project(tmp_path / "p", "_commit: v0.3.1\nshallot_image: ghcr.io/acme/shallot:0.3.1\n")
    project = Project.read(folder)
    assert project.release == Version("0.3.1") and project.image == "ghcr.io/acme/shallot:0.3.1"


def test_a_project_made_before_releases_were_recorded_is_read_by_its_runtime_pin(tmp_path):
    folder = _project(tmp_path / "p", "_src_path: /opt/shallot/template\n",
                      'dependencies = [\n    "shallot-runtime==0.1.0",\n]\n')
    assert Project.read(folder).release == Version("0.1.0")


def test_a_folder_shallot_did_not_make_is_refused(tmp_path):
    with pytest.raises(BadInput, match="was not made by shallot"):
        Project.read(tmp_path)
    folder = _project(tmp_path / "p", "_src_path: /elsewhere\n", "[project]\n")
    with pytest.raises(ShallotError, match="cannot tell which shallot release"):
        Project.read(folder)


def test_a_version_that_is_not_a_release_number_is_refused():
    with pytest.raises(BadInput, match="not a release number"):
        parse("next")


@pytest.mark.parametrize(
    ("pinned", "expected"),
    [
        ("ghcr.io/acme/shallot:0.1.0", "ghcr.io/acme/shallot:0.2.0"),
        ("127.0.0.1:5000/shallot:0.1.0", "127.0.0.1:5000/shallot:0.2.0"),
        ("shallot:dev", "shallot:dev"),  # a local build is not tagged by release: it stays
        ("ghcr.io/acme/shallot:0.1.0-ours", "ghcr.io/acme/shallot:0.1.0-ours"),
        ("127.0.0.1:5000/shallot", "127.0.0.1:5000/shallot"),
    ],
)
def test_the_image_moves_to_the_releases_tag_only_when_pinned_by_release(pinned, expected):
    assert image_for(pinned, Version("0.1.0"), Version("0.2.0")) == expected


@pytest.mark.parametrize(
    ("reference", "host"),
    [("ghcr.io/acme/shallot:1.0.0", "ghcr.io"), ("127.0.0.1:5000/shallot:1.0.0", "127.0.0.1:5000"),
     ("localhost/shallot:1", "localhost"), ("shallot:dev", None), ("acme/shallot:1.0.0", None)],
)
def test_the_registry_is_the_first_component_when_it_names_a_host(reference, host):
    assert registry.registry_of(reference) == host


class _Registry(http.server.BaseHTTPRequestHandler):
    """A registry's manifest endpoint: acme/public has 1.0.0, acme/token wants a token first."""

    def do_HEAD(self):  # noqa: N802 - the handler's protocol
        if self.path.startswith("/v2/acme/token/"):
            if self.headers.get("Authorization") != "Bearer granted":
                realm = f"http://{self.headers['Host']}/token"
                self._answer(401, {"WWW-Authenticate": f'Bearer realm="{realm}",service="test",scope="pull"'})
                return
            self._answer(200)
            return
        self._answer(200 if self.path == "/v2/acme/public/manifests/1.0.0" else 404)

    def do_GET(self):  # noqa: N802
        body = json.dumps({"token": "granted"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, status, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_registry():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_pullable_image_passes_and_a_missing_one_is_refused(local_registry):
    assert registry.is_pullable(f"{local_registry}/acme/public:1.0.0") is True
    with pytest.raises(ShallotError, match="is not in its registry"):
        registry.is_pullable(f"{local_registry}/acme/public:9.9.9")


def test_a_registry_that_wants_a_token_gives_one_anonymously(local_registry):
    assert registry.is_pullable(f"{local_registry}/acme/token:1.0.0") is True


def test_an_unreachable_registry_is_one_line(local_registry):
    closed = f"127.0.0.1:{_closed_port()}"
    with pytest.raises(ShallotError, match=f"cannot reach the registry {closed}.*nothing was changed"):
        registry.is_pullable(f"{closed}/shallot:1.0.0")


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
