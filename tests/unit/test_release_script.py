"""`make release` refuses, in one line and before building anything, what is not a release:
the pushes themselves are proven against a real registry in tests/e2e/test_release.py."""

import subprocess
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def clone(repo, tmp_path_factory) -> Path:
    """A clone whose HEAD is tagged with its VERSION, as a release commit is."""
    folder = tmp_path_factory.mktemp("release") / "shallot"
    subprocess.run(["git", "clone", "--quiet", str(repo), str(folder)], check=True)
    version = (folder / "VERSION").read_text().strip()
    subprocess.run(["git", "-C", str(folder), "tag", "--force", f"v{version}"], check=True, capture_output=True)
    return folder


def _release(clone: Path, version: str, registry: str) -> subprocess.CompletedProcess:
    return subprocess.run([clone / "image/release/release.sh", version, registry], capture_output=True, text=True)


def _refused(result: subprocess.CompletedProcess, reason: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and reason in lines[0], result.stderr
    assert lines[0].startswith("release: ")


@pytest.mark.parametrize(
    ("version", "registry", "reason"),
    [
        ("", "ghcr.io/acme", "give the version"),
        ("{version}", "", "give the registry"),
        ("1.2", "ghcr.io/acme", "not a semantic version"),
        ("v{version}", "ghcr.io/acme", "not a semantic version"),
        ("{version}", "https://ghcr.io/acme", "not a registry host"),
        ("{version}", "ghcr.io/acme/", "not a registry host"),
        ("{version}", "ghcr.io/acme/shallot:1.0", "not a registry host"),
        ("99.0.0", "ghcr.io/acme", "is not the repository's"),
    ],
)
def test_bad_arguments_are_refused(clone, version, registry, reason):
    current = (clone / "VERSION").read_text().strip()
    _refused(_release(clone, version.format(version=current), registry), reason)


def test_a_dirty_tree_or_an_untagged_head_is_not_released(clone):
    version = (clone / "VERSION").read_text().strip()
    (clone / "README.md").write_text("edited\n")
    try:
        _refused(_release(clone, version, "127.0.0.1:5000"), "uncommitted changes")
    finally:
        subprocess.run(["git", "-C", str(clone), "checkout", "README.md"], check=True)
    subprocess.run(["git", "-C", str(clone), "tag", "--delete", f"v{version}"], check=True, capture_output=True)
    try:
        _refused(_release(clone, version, "127.0.0.1:5000"), f"HEAD is not tagged v{version}")
    finally:
        subprocess.run(["git", "-C", str(clone), "tag", f"v{version}"], check=True)
