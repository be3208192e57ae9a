"""A generated project owns its dependencies: `make add` of a real package from the package
index, reached the way this machine's containers reach it (the host's certificate authorities
in the project's certs/), then the suite, the rebuilt images and the devcontainer have it; a
stale lock and bad requirements are refused in one line, with nothing changed."""

import os
import re
import subprocess
import time

import pytest

from tests.e2e.conftest import (
    HOST_AUTHORITIES,
    HOST_UID,
    authorities_beyond_the_usual,
    docker_run,
    locked_packages,
)
from harness.devcontainer import DevContainer
from harness.docker import PROJECT_NAME, compose_command, docker, stack_environment

ADDED = "humanize>=4"


@pytest.fixture
def project(image, postgres_image, tmp_path):
    workspace = tmp_path / "work"
    workspace.mkdir()
    os.chown(workspace, HOST_UID, HOST_UID)
    # The suite's one project name: a test's first build reuses the layers of the suite's earlier
    # builds (the build times it prints are real, cold or not).
    name = PROJECT_NAME
    assert docker_run(image, "new", name, "--defaults", volumes=[(workspace, "/work")]).returncode == 0
    folder = workspace / name
    assert HOST_AUTHORITIES.is_file(), "the test gives the containers this machine's certificate authorities"
    (folder / "certs" / "host.crt").write_text(authorities_beyond_the_usual())
    env = stack_environment(image, postgres_image, "deps-demo")
    yield folder, env
    subprocess.run([*compose_command(), "-f", "compose.yaml", "-f", "compose.dev.yaml", "down", "--volumes"],
                   cwd=folder, env=env, capture_output=True)
    subprocess.run(["docker", "image", "rm", "--force", env["APP_IMAGE"], env["APP_IMAGE"] + "-uid"],
                   capture_output=True)


def make(folder, env, *arguments, check=True):
    result = subprocess.run(["make", "-C", str(folder), *arguments], env=env, capture_output=True, text=True,
                            timeout=900)
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def build(folder, env) -> float:
    started = time.monotonic()
    subprocess.run([*compose_command(), "-f", "compose.yaml", "-f", "compose.dev.yaml", "build", "app"], cwd=folder,
                   env={**env, "EXTRA_CA_CERTS": authorities_beyond_the_usual()}, check=True, capture_output=True,
                   timeout=900)
    return time.monotonic() - started


def image_size(env) -> int:
    return int(docker("image", "inspect", "--format", "{{.Size}}", env["APP_IMAGE"]).stdout)


def test_add_a_package_use_it_and_find_it_in_the_rebuilt_images(project):
    folder, env = project
    make(folder, env, ".env")
    first_build = build(folder, env)
    size_before = image_size(env)
    before = locked_packages(folder)

    started = time.monotonic()
    added = make(folder, env, "add", f"pkg={ADDED}")
    add_seconds = time.monotonic() - started
    assert f"added {ADDED}" in added.stdout
    assert f'"{ADDED}"' in (folder / "pyproject.toml").read_text()
    after = locked_packages(folder)
    assert set(after) - set(before) == {"humanize"} and set(before) <= set(after), "the lock gained humanize only"
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {folder.name}, changed
    own = after[folder.name]
    assert [d for d in own["dependencies"] if d not in before[folder.name]["dependencies"]] == [{"name": "humanize"}]

    (folder / "tests" / "unit" / "test_humanize.py").write_text(
        "import unittest\n\nimport humanize\n\n\n"
        "class HumanizeTest(unittest.TestCase):\n"
        "    def test_the_added_package_imports(self):\n"
        "        self.assertEqual(humanize.intcomma(1234567), '1,234,567')\n"
    )
    rebuild_after_add = build(folder, env)
    tests = make(folder, env, "test")
    assert tests.stderr.splitlines()[-1].startswith("OK"), tests.stderr[-2000:]
    in_image = docker("run", "--rm", env["APP_IMAGE"], "python", "-c", "import humanize; print(humanize.__name__)")
    assert in_image.stdout.strip() == "humanize"
    size_after = image_size(env)
    # The certificate authorities reached the stage that downloads, never the image.
    assert docker("run", "--rm", env["APP_IMAGE"], "ls", "-A", "/app").stdout.split().count("certs") == 0
    history = docker("history", "--no-trunc", env["APP_IMAGE"]).stdout
    settings = docker("image", "inspect", env["APP_IMAGE"]).stdout
    assert "BEGIN CERTIFICATE" not in history + settings and "EXTRA_CA_CERTS" not in history + settings

    source = folder / "src" / "domain" / "constants.py"
    source.write_text(source.read_text() + "\n# a one-line change\n")
    rebuild_after_code = build(folder, env)
    # Another version of a package the image pins: moved from the constraints to the overrides.
    pyproject = (folder / "pyproject.toml").read_text()
    pin = re.search(r'\n    "click==([^"]+)",\n', pyproject)
    assert pin, "the image's pin of click is a constraint"
    other = "8.1.8" if pin.group(1) != "8.1.8" else "8.1.7"
    pyproject = pyproject.replace(pin.group(0), "\n").replace(
        "override-dependencies = []", f'override-dependencies = ["click=={other}"]')
    (folder / "pyproject.toml").write_text(pyproject)
    make(folder, env, "lock")
    assert locked_packages(folder)["click"]["version"] == other
    build(folder, env)
    version = "import importlib.metadata as m; print(m.version('click'), m.version('humanize') >= '4')"
    assert docker("run", "--rm", env["APP_IMAGE"], "python", "-c", version).stdout.split() == [other, "True"]

    print(f"\nfirst build {first_build:.1f}s; make add {add_seconds:.1f}s; rebuild after adding {rebuild_after_add:.1f}s;"
          f" rebuild after a one-line change {rebuild_after_code:.1f}s;"
          f" image {size_before / 1e6:.1f} MB -> {size_after / 1e6:.1f} MB")


BAD_REQUIREMENTS = [
    ("nosuchpkg-shallot-zzzq", "nosuchpkg-shallot-zzzq was not found in the package registry"),
    ("flask>=9", "flask>=9 and flask=="),
    ("humanize>>4", "Failed to parse: `humanize>>4`"),
]


def test_bad_requirements_and_a_stale_lock_are_refused_in_one_line_with_nothing_changed(project):
    folder, env = project
    make(folder, env, ".env")
    pyproject, lock = (folder / "pyproject.toml").read_bytes(), (folder / "uv.lock").read_bytes()
    for requirement, reason in BAD_REQUIREMENTS:
        result = make(folder, env, "add", f"pkg={requirement}", check=False)
        errors = [line for line in result.stderr.splitlines() if line.startswith("shallot: error:")]
        assert result.returncode != 0 and len(errors) == 1, result.stderr[-2000:]
        assert f"cannot add {requirement}" in errors[0] and reason in errors[0], errors[0]
        assert (folder / "pyproject.toml").read_bytes() == pyproject, f"{requirement}: pyproject.toml changed"
        assert (folder / "uv.lock").read_bytes() == lock, f"{requirement}: uv.lock changed"

    edited = pyproject.decode().replace('"python-dotenv>=1.0",', '"python-dotenv>=1.0",\n    "humanize>=4",')
    (folder / "pyproject.toml").write_text(edited)
    result = make(folder, env, "test", check=False)
    assert result.returncode != 0
    assert "uv.lock is out of date with pyproject.toml; run `make lock`" in result.stdout + result.stderr


def test_add_inside_the_devcontainer_imports_at_once_and_survives_a_rebuild(project, postgres_image):
    folder, env = project
    devcontainer = DevContainer(folder, env)
    devcontainer.run_initialize_command()
    devcontainer.build_with_remote_user_uid(HOST_UID, HOST_UID)
    container = devcontainer.up()
    devcontainer.exec(container, f"make add pkg='{ADDED}'")
    imported = "python -c 'import humanize; print(humanize.intcomma(1000))'"
    assert devcontainer.exec(container, imported).stdout.strip() == "1,000"
    (folder / "tests" / "unit" / "test_humanize.py").write_text(
        "import unittest\n\nimport humanize\n\n\nclass HumanizeTest(unittest.TestCase):\n"
        "    def test_it(self):\n        self.assertEqual(humanize.intcomma(1000), '1,000')\n"
    )
    tests = devcontainer.exec(container, "python -m unittest discover -s tests/unit")
    assert tests.stderr.splitlines()[-1].startswith("OK"), tests.stderr[-2000:]

    devcontainer.down()  # rebuilt and reopened: the image now installs it from uv.lock
    devcontainer.env = {**env, "EXTRA_CA_CERTS": authorities_beyond_the_usual()}
    devcontainer.build_with_remote_user_uid(HOST_UID, HOST_UID)
    container = devcontainer.up()
    assert devcontainer.exec(container, imported).stdout.strip() == "1,000"
