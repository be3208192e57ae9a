"""The project folder, as the generator reads it: its tables, the resources it generated, and
which of its files have changes not committed."""

import re
from dataclasses import dataclass
from pathlib import Path

from shallot import git
from shallot.errors import BadInput
from shallot.resource.record import Record

ANSWERS = ".copier-answers.yml"
AUTH_ANSWER = re.compile(r"^auth:\s*['\"]?(\w+)", re.MULTILINE)
MARKERS = ("src/dependency_container.py", "src/infrastructure/models/__init__.py", "migrations/versions")
TABLE = re.compile(r"""^\s+__tablename__\s*=\s*["'](\w+)["']""", re.MULTILINE)


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def at(cls, folder: Path) -> "Project":
        root = folder.resolve()
        missing = [marker for marker in MARKERS if not (root / marker).exists()]
        if missing:
            raise BadInput(
                f"{root} is not a shallot project (no {missing[0]}); run it in a project made by "
                "`shallot new`, or give its folder with --project"
            )
        return cls(root)

    @property
    def auth(self) -> bool:
        """Whether the project was made with --auth oidc (its routes then require scopes);
        a project made before the question has none."""
        answers = self.root / ANSWERS
        found = AUTH_ANSWER.search(answers.read_text(encoding="utf-8")) if answers.is_file() else None
        return found is not None and found.group(1) == "oidc"

    def tables(self) -> dict[str, str]:
        """Every table of the models: name -> the module that defines it."""
        found = {}
        for path in sorted((self.root / "src/infrastructure/models").glob("*.py")):
            for name in TABLE.findall(path.read_text(encoding="utf-8")):
                found[name] = str(path.relative_to(self.root))
        return found

    def record(self, plural: str) -> Record | None:
        return Record.read(self.root, plural)

    def records(self) -> list[Record]:
        return Record.all(self.root)

    def uncommitted(self, paths: list[str]) -> list[str]:
        """Those of PATHS with changes git has not committed; none outside a repository."""
        top = git.top_level(self.root) if git.available() else None
        if top is None:
            return []
        status = git.run(self.root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
        inside = self.root.relative_to(top.resolve()).as_posix()  # porcelain paths are from the top
        prefix = "" if inside == "." else inside + "/"
        return sorted(line[3:].removeprefix(prefix) for line in status.splitlines())

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")
