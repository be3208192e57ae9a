"""The folder projects are rendered into: /work inside the image, the current folder elsewhere."""

import dataclasses
import os
from pathlib import Path

from shallot.errors import ShallotError


def docker_run_line(image: str, name: str) -> str:
    return f'docker run --rm -it -v "$PWD:/work" {image} new {name}'


def is_mount_point(path: Path) -> bool:
    """Whether PATH is a mount point of its own (a bind mount from the host, inside a container)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
            return any(line.split()[4] == str(path) for line in mounts)
    except OSError:
        return os.path.ismount(path)


@dataclasses.dataclass(frozen=True)
class Workspace:
    root: Path
    require_mount: bool
    image: str

    @classmethod
    def from_environment(cls) -> "Workspace":
        """SHALLOT_WORKSPACE and SHALLOT_REQUIRE_MOUNT are set by the image; on a host the current folder is used."""
        return cls(
            root=Path(os.environ.get("SHALLOT_WORKSPACE") or os.getcwd()),
            require_mount=os.environ.get("SHALLOT_REQUIRE_MOUNT") == "1",
            image=os.environ.get("SHALLOT_IMAGE", "shallot:dev"),
        )

    def check_writable(self, name: str) -> None:
        if self.require_mount and not is_mount_point(self.root):
            raise ShallotError(
                f"{self.root} is not mounted from the host, so the project would be lost with the container; "
                f"run: {docker_run_line(self.image, name)}"
            )
        if not self.root.is_dir():
            raise ShallotError(f"workspace {self.root} is not a folder; mount or create it first")
        if os.statvfs(self.root).f_flag & os.ST_RDONLY:
            raise ShallotError(f"workspace {self.root} is mounted read-only; mount it read-write (drop ':ro' from -v)")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise ShallotError(
                f"workspace {self.root} is not writable by uid {os.getuid()}; "
                "run as its owner (docker run --user \"$(id -u):$(id -g)\") or fix its permissions"
            )

    def target(self, name: str) -> Path:
        """The project folder NAME, refused if something already stands there."""
        target = self.root / name
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            raise ShallotError(f"{target} already exists and is not a folder; remove it or choose another NAME")
        if target.is_dir() and any(target.iterdir()):
            raise ShallotError(f"{target} already exists and is not empty; choose another NAME or remove it")
        return target
