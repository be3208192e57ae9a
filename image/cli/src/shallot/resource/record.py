"""What `generate resource` wrote, kept in the project (.shallot/resources/NAME.json, to commit):
the field list, each new file's digest, and the registrations, so that `destroy resource` takes
out only what is still as written, and later resources can refer to this one."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

FOLDER = Path(".shallot/resources")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Record:
    resource: str
    fields: list[str]
    files: dict[str, str] = field(default_factory=dict)  # path: sha256 of the content written
    edits: list[dict] = field(default_factory=list)  # the registrations, as wiring's edits

    @staticmethod
    def path(root: Path, plural: str) -> Path:
        return root / FOLDER / f"{plural}.json"

    @classmethod
    def read(cls, root: Path, plural: str) -> "Record | None":
        path = cls.path(root, plural)
        if not path.is_file():
            return None
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def all(cls, root: Path) -> list["Record"]:
        return [cls.read(root, path.stem) for path in sorted((root / FOLDER).glob("*.json"))]

    def text(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"
