"""Which shallot release made a project, which releases this image knows, and the image a
project pins: what `shallot update` reads before it changes anything."""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.version import InvalidVersion, Version

from shallot import git
from shallot.errors import BadInput, ShallotError
from shallot.render import ANSWERS_FILE

# Projects made before the answers recorded a release (0.1.0) still pin the runtime library.
RUNTIME_PIN = re.compile(r'"shallot-runtime==([^"]+)"')


def parse(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        raise BadInput(f"version {version!r} is not a release number like 1.2.3") from None


def known_releases(template: Path) -> list[Version]:
    """The releases whose template TEMPLATE (the image's release history) holds, oldest first."""
    tags = git.run(template, "tag", "--list", "v*").split()
    return sorted(parse(tag.removeprefix("v")) for tag in tags)


@dataclass(frozen=True)
class Project:
    folder: Path
    answers: dict
    release: Version

    @classmethod
    def read(cls, folder: Path) -> "Project":
        answers_file = folder / ANSWERS_FILE
        if not answers_file.is_file():
            raise BadInput(f"{folder} was not made by shallot (it has no {ANSWERS_FILE}); run it in a project's folder")
        try:
            answers = yaml.safe_load(answers_file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise BadInput(f"{answers_file} is not valid YAML ({error.problem}); restore it from git") from None
        return cls(folder, answers, parse(_recorded_release(folder, answers)))

    @property
    def image(self) -> str:
        return str(self.answers.get("shallot_image", ""))


def _recorded_release(folder: Path, answers: dict) -> str:
    commit = str(answers.get("_commit") or "")
    if commit:
        return commit.removeprefix("v")
    pyproject = folder / "pyproject.toml"
    pinned = RUNTIME_PIN.search(pyproject.read_text(encoding="utf-8")) if pyproject.is_file() else None
    if pinned is None:
        raise ShallotError(
            f"cannot tell which shallot release made {folder}: {ANSWERS_FILE} has no _commit "
            "and pyproject.toml does not pin shallot-runtime"
        )
    return pinned.group(1)


def image_for(pinned: str, current: Version, target: Version) -> str:
    """The image a project moves to: its pin with the release's tag (REGISTRY/shallot:1.2.3),
    or the pin unchanged when it is not tagged by release (a local build such as shallot:dev)."""
    repository, _, tag = pinned.rpartition(":")
    if repository and "/" not in tag and tag == str(current):
        return f"{repository}:{target}"
    return pinned
