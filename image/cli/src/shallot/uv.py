"""uv, run on a project's dependencies the way shallot needs it:

- it trusts the project's extra certificate authorities (`certs/*.crt`, `certs/*.pem`, and the
  PEM text in EXTRA_CA_CERTS, which image builds get) beside the usual ones, for networks
  whose proxy intercepts TLS;
- its failures are one line, and leave pyproject.toml and uv.lock as they were.
"""

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shallot.errors import ShallotError

PROJECT_FILES = ("pyproject.toml", "uv.lock")
CERTS_FOLDER = "certs"
SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")
STALE_LOCK = re.compile(r"lockfile .* needs to be updated", re.IGNORECASE)


def extra_authorities(project: Path, environ: dict[str, str]) -> list[str]:
    """The PEM text of each extra certificate authority: certs/ first, then EXTRA_CA_CERTS."""
    folder = project / CERTS_FOLDER
    files = sorted(folder.glob("*.crt")) + sorted(folder.glob("*.pem")) if folder.is_dir() else []
    found = [path.read_text(encoding="utf-8") for path in files if path.is_file()]
    given = environ.get("EXTRA_CA_CERTS", "").strip()
    return [*found, given] if given else found


def _system_bundle() -> str:
    for bundle in SYSTEM_BUNDLES:
        if Path(bundle).is_file():
            return Path(bundle).read_text(encoding="utf-8")
    import certifi  # the image's venv has it; a slim base may lack a system bundle

    return Path(certifi.where()).read_text(encoding="utf-8")


@contextmanager
def trusted(project: Path) -> Iterator[dict[str, str]]:
    """The environment uv runs in: with the project's certs/ added to the trusted ones."""
    environ = dict(os.environ)
    extra = extra_authorities(project, environ)
    if not extra:
        yield environ
        return
    with tempfile.NamedTemporaryFile("w", suffix=".pem", encoding="utf-8") as bundle:
        bundle.write("\n".join([_system_bundle(), *extra]) + "\n")
        bundle.flush()
        yield {**environ, "SSL_CERT_FILE": bundle.name}


def run(project: Path, *arguments: str, what: str) -> None:
    """Runs `uv ARGUMENTS` in `project`; on failure restores its files and raises one line."""
    uv = shutil.which("uv")
    if uv is None:
        raise ShallotError("uv is not installed; the shallot image has it (pip install uv)")
    saved = {name: _read(project / name) for name in PROJECT_FILES}
    with trusted(project) as environ:
        result = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [uv, *arguments], cwd=project, env=environ, capture_output=True, text=True, check=False
        )
    if result.returncode == 0:
        return
    for name, content in saved.items():
        _restore(project / name, content)
    raise ShallotError(f"{what}: {explain(result.stderr or result.stdout)}")


def explain(output: str) -> str:
    """uv's error in one line: what failed, and its last cause."""
    if STALE_LOCK.search(output):
        return "uv.lock is out of date with pyproject.toml; run `make lock` and commit both"
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line.removeprefix("error:").strip() for line in lines if line.startswith("error:")]
    causes = [line.removeprefix("cause:").strip() for line in lines if line.startswith("cause:")]
    if not errors:
        return lines[-1] if lines else "uv failed without a message"
    if causes and errors[0].startswith(("Failed to add", "Failed to resolve")):
        return causes[-1]
    return f"{errors[0]}: {causes[-1]}" if causes else errors[0]


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _restore(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
    elif _read(path) != content:
        path.write_bytes(content)
