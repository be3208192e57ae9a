"""Completes the assembled template's dependencies (run by assemble-template.sh, on the host):

1. pyproject.toml.jinja gets shallot's version and the image's pins (requirements.lock) as
   uv constraints;
2. a project rendered from it is locked with uv, on the host, which reaches the package
   index (the image build stays offline), with the runtime's wheel from the wheelhouse;
3. that lock becomes project/uv.lock.jinja: the wheel at the path the image holds it, and the
   project's own entry, under the project's name, where uv sorts it among the packages (so
   that the first `make add` changes nothing but what it adds). Every generated project
   starts with it committed.

usage: lock-template.py TEMPLATE REQUIREMENTS_LOCK VERSION_FILE WHEELHOUSE
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from copier import run_copy

IMAGE_WHEELS = "/opt/shallot/wheels/"  # where the shallot image keeps the runtime's wheel
PLACEHOLDER = "lock-template"
NAME = "{% set name = package_name | lower | regex_replace('_+', '-') %}"
PACKAGE = "\n[[package]]\n"
NAMED = re.compile(r'^name = "([^"]+)"')
PIN = re.compile(r"^([A-Za-z0-9._-]+==[^\s\\;]+)", re.MULTILINE)


def pins(requirements_lock: Path) -> str:
    found = PIN.findall(requirements_lock.read_text(encoding="utf-8"))
    return "\n".join(f'    "{pin}",' for pin in found)


def fill_pyproject(template: Path, version: str, image_pins: str) -> None:
    pyproject = template / "project" / "pyproject.toml.jinja"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace("@SHALLOT_VERSION@", version).replace("@IMAGE_PINS@", image_pins)
    pyproject.write_text(text, encoding="utf-8")


def lock(template: Path, wheelhouse: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="lock-template-") as scratch:
        project = Path(scratch) / PLACEHOLDER
        data = {"project_name": PLACEHOLDER}
        run_copy(str(template), str(project), data=data, defaults=True, quiet=True)
        pyproject = project / "pyproject.toml"
        local = pyproject.read_text(encoding="utf-8").replace(IMAGE_WHEELS, f"{wheelhouse}/")
        pyproject.write_text(local, encoding="utf-8")
        uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
        environ = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        subprocess.run([uv, "lock", "--quiet"], cwd=project, env=environ, check=True)  # noqa: S603
        locked = (project / "uv.lock").read_text(encoding="utf-8")
    return locked.replace(f"{wheelhouse}/", IMAGE_WHEELS)


def as_template(locked: str) -> str:
    """The lock with the project's entry placed by name, as uv sorts packages (by name)."""
    header, *blocks = locked.split(PACKAGE)
    names = [NAMED.match(block).group(1) for block in blocks]
    own = blocks[names.index(PLACEHOLDER)].replace(f'"{PLACEHOLDER}"', '"{{ name }}"', 1)
    others = [(n, block) for n, block in zip(names, blocks, strict=True) if n != PLACEHOLDER]
    parts = [NAME, "{% set project %}", PACKAGE, own, "{% endset %}", header]
    after = ""
    for name, block in others:
        parts.append(f'{{% if "{after}" < name < "{name}" %}}{{{{ project }}}}{{% endif %}}')
        parts += [PACKAGE, block]
        after = name
    parts.append(f'{{% if name > "{after}" %}}{{{{ project }}}}{{% endif %}}')
    return "".join(parts)


def main(template: str, requirements_lock: str, version_file: str, wheelhouse: str) -> None:
    template_dir = Path(template)
    version = Path(version_file).read_text(encoding="utf-8").strip()
    fill_pyproject(template_dir, version, pins(Path(requirements_lock)))
    locked = lock(template_dir, Path(wheelhouse).resolve())
    (template_dir / "project" / "uv.lock.jinja").write_text(as_template(locked), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
