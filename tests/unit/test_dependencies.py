"""`shallot add|remove|lock|upgrade|sync`: uv in one line, certificate authorities, nothing half-written.

uv itself is replaced by a small script on PATH here; the real one, on the real index, runs in
tests/e2e/test_project_dependencies.py."""

import os
import stat
import subprocess
import sys
import textwrap

from shallot import uv

# What uv 0.13 prints, as captured from it.
UNKNOWN_PACKAGE = """\
error: Failed to add dependencies
  cause: No solution found when resolving dependencies
  cause: Because nosuchpkg-zzzq was not found in the package registry and your project depends on nosuchpkg-zzzq, we can conclude that your project's requirements are unsatisfiable.

hint: If you want to add the package regardless of the failed resolution, provide the `--frozen` flag
"""
MALFORMED = """\
error: Failed to parse: `bad req!!`
  cause: Expected one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`, found `r`
         bad req!!
             ^
"""
STALE = "error: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided. To update the lockfile, run `uv lock`.\n"


def test_uv_errors_become_one_line_that_names_the_cause():
    assert uv.explain(UNKNOWN_PACKAGE) == (
        "Because nosuchpkg-zzzq was not found in the package registry and your project depends on nosuchpkg-zzzq,"
        " we can conclude that your project's requirements are unsatisfiable."
    )
    assert uv.explain(MALFORMED) == (
        "Failed to parse: `bad req!!`: Expected one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`, found `r`"
    )
    assert uv.explain(STALE) == "uv.lock is out of date with pyproject.toml; run `make lock` and commit both"


def test_extra_authorities_come_from_certs_and_the_environment(tmp_path):
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "proxy.crt").write_text("PROXY CA\n")
    (tmp_path / "certs" / "README.md").write_text("not a certificate\n")
    assert uv.extra_authorities(tmp_path, {"EXTRA_CA_CERTS": "BUILD CA"}) == ["PROXY CA\n", "BUILD CA"]
    with uv.trusted(tmp_path) as environ:
        bundle = open(environ["SSL_CERT_FILE"]).read()
    assert "PROXY CA" in bundle and "BEGIN CERTIFICATE" in bundle, "the usual authorities stay trusted"
    with uv.trusted(tmp_path / "nowhere") as environ:
        assert environ.get("SSL_CERT_FILE") == os.environ.get("SSL_CERT_FILE")


def fake_uv(folder, script):
    """A `uv` on PATH that runs `script` (shell) in the project folder."""
    path = folder / "uv"
    path.write_text("#!/bin/sh\n" + textwrap.dedent(script))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def shallot(project, env, *args):
    return subprocess.run([sys.executable, "-m", "shallot", *args, "--project", str(project)], env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_failed_add_leaves_pyproject_and_the_lock_as_they_were(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (project / "uv.lock").write_text("version = 1\n")
    env = fake_uv(tmp_path, f"""\
        echo "dependencies = ['nosuchpkg-zzzq']" >> pyproject.toml
        rm uv.lock
        cat >&2 <<'END'
{UNKNOWN_PACKAGE}END
        exit 1
    """)
    result = shallot(project, env, "add", "nosuchpkg-zzzq")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "shallot: error: cannot add nosuchpkg-zzzq: Because nosuchpkg-zzzq was not found in the package registry"
        " and your project depends on nosuchpkg-zzzq, we can conclude that your project's requirements are"
        " unsatisfiable."
    ]
    assert (project / "pyproject.toml").read_text() == "[project]\nname = 'demo'\n"
    assert (project / "uv.lock").read_text() == "version = 1\n"


def test_add_then_installs_with_the_lock_held_strictly(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    calls = tmp_path / "calls"
    env = fake_uv(tmp_path, f'echo "$@" >> {calls}\n')
    result = shallot(project, env, "add", "--dev", "humanize>=4")
    assert result.returncode == 0, result.stderr
    assert calls.read_text().splitlines() == [
        "add --no-sync --dev humanize>=4",
        "sync --locked --inexact --no-install-project",
    ]


def test_outside_a_project_it_refuses_in_one_line(tmp_path):
    result = shallot(tmp_path, os.environ, "lock")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"shallot: error: no pyproject.toml in {tmp_path}; run it in a project (see 'shallot lock --help')"
    ]
