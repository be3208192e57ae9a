"""What every section of the benchmark shares: the images, a scratch folder, and the run size."""

import dataclasses
import os
import subprocess
from pathlib import Path

from bench.stats import timed
from harness.docker import compose_command, docker

REPO = Path(__file__).resolve().parents[1]
SLOW_RUNS = 3


@dataclasses.dataclass
class Context:
    image: str
    python_image: str
    postgres_image: str
    scratch: Path
    runs: int
    quick: bool
    project: Path | None = None
    project_image: str | None = None
    cold_build_seconds: float | None = None
    # The same project made with --auth oidc (the default of `new`): the API's cost of tokens.
    oidc_project_image: str | None = None

    @property
    def slow_runs(self) -> int:
        """Runs of a figure that takes seconds each (a stack's start, a build, a migration under
        load): three at most, to keep `make bench` within 15 minutes."""
        return min(self.runs, SLOW_RUNS)

    @property
    def compose(self) -> list[str]:
        return compose_command()

    def workspace(self, name: str) -> Path:
        """A fresh folder owned by uid 1000, like a user's."""
        folder = self.scratch / name
        folder.mkdir(parents=True, exist_ok=True)
        os.chown(folder, 1000, 1000)
        return folder

    def render(self, name: str, *options: str, workspace: str | None = None) -> Path:
        folder = self.workspace(workspace or f"render-{name}")
        docker("run", "--rm", "-v", f"{folder}:/work", self.image, "new", name, "--defaults", *options)
        return folder / name

    def build_oidc_project(self, tag: str) -> None:
        """The project made with --auth oidc, built warm: named as the other, it has the same
        pyproject.toml and uv.lock, so every layer but the code's is the other's."""
        project = self.render("demo-api", workspace="render-demo-api-oidc")
        subprocess.run(["docker", "build", "--quiet", "--build-arg", f"SHALLOT_IMAGE={self.image}", "--tag", tag,
                        str(project)], check=True, capture_output=True, text=True)
        self.oidc_project_image = tag

    def build_project(self, tag: str) -> None:
        """The project's image, built cold (the shallot image present, nothing of the project
        cached): how long that took is the project_build section's first figure. A quick run
        takes what the builder has cached: it proves the steps, not the figure."""
        cold = [] if self.quick else ["--no-cache"]
        self.cold_build_seconds = timed(lambda: subprocess.run(
            ["docker", "build", "--quiet", *cold, "--build-arg", f"SHALLOT_IMAGE={self.image}", "--tag", tag,
             str(self.project)], check=True, capture_output=True, text=True))
