"""The images carry no secrets, and the service's image runs as a non-root user on a read-only root."""

import pytest

from tests.e2e.conftest import docker_run
from harness.docker import docker
from tests.e2e.secret_scan import files_with_secrets, settings_with_secrets


@pytest.fixture(scope="module", params=["shallot", "generated project"])
def scanned_image(request, image, project_image):
    return {"shallot": image, "generated project": project_image}[request.param]


def test_no_secret_in_any_layer(scanned_image):
    assert files_with_secrets(scanned_image) == []


def test_no_secret_in_the_configuration_or_history(scanned_image):
    assert settings_with_secrets(scanned_image) == []


def test_the_scanner_finds_a_planted_key(image, tmp_path):
    planted = f"{image}-planted"
    dockerfile = (f"FROM {image}\nRUN printf -- '-----BEGIN RSA PRIVATE KEY-----\\n%s\\n-----END RSA PRIVATE KEY-----\\n' "
                  f"\"$(head -c 96 /dev/zero | base64 -w 64)\" > /tmp/leaked.pem\nENV API_TOKEN=abc123\n")
    docker("build", "-q", "-t", planted, "-", input=dockerfile)
    try:
        assert [name for name, _ in files_with_secrets(planted)] == ["tmp/leaked.pem"]
        assert settings_with_secrets(planted) == ["API_TOKEN=abc123", "API_TOKEN=abc123"]
    finally:
        docker("image", "rm", "--force", planted, check=False)


def test_the_service_image_runs_as_non_root(project_image):
    assert docker("run", "--rm", project_image, "id", "-u").stdout.strip() != "0"
    assert docker("image", "inspect", "--format", "{{.Config.User}}", project_image).stdout.strip() == "app"


def test_shallot_new_works_on_a_read_only_root(image, workspace):
    result = docker_run(image, "new", "orders", volumes=[(workspace, "/work")], options=["--read-only", "--tmpfs", "/tmp"])
    assert result.returncode == 0, result.stderr
    assert (workspace / "orders/manage.py").is_file()
