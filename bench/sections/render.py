"""`shallot new`: wall time with the container's start, the render alone, and plain copier as the baseline."""

import json
import shutil
import subprocess

from bench.context import REPO
from bench.stats import repeat, summary, with_baseline
from harness.docker import docker

# Run inside the image: render RUNS projects in-process and print each render's seconds.
RENDER_ALONE = """
import json, sys, tempfile, time
from pathlib import Path
from shallot.answers import QUESTIONS, Answers, default_for
from shallot.render import render
import copier
answered = {}
for field in QUESTIONS:
    answered[field] = default_for(field, "demo", answered)
times = []
for run in range(int(sys.argv[1])):
    target = Path(tempfile.mkdtemp()) / "demo"
    started = time.perf_counter()
    render(Answers(project_name="demo", **answered), target)
    times.append(time.perf_counter() - started)
print(json.dumps(times))
"""


def measure(context) -> dict:
    workspace = context.workspace("new")
    target = workspace / "demo"

    def clear():
        shutil.rmtree(target, ignore_errors=True)

    def new():
        docker("run", "--rm", "-v", f"{workspace}:/work", context.image, "new", "demo", "--defaults")

    new_wall = repeat(context.runs, new, before=clear)
    alone = json.loads(docker("run", "--rm", "--entrypoint", "python", context.image, "-c", RENDER_ALONE,
                              str(context.runs)).stdout)
    copier = str(REPO / "build/venv/bin/copier")
    plain = context.scratch / "plain-copier"

    def copier_copy():
        subprocess.run([copier, "copy", "--quiet", "--defaults", "-d", "project_name=demo", str(REPO / "build/template"),
                        str(plain)], check=True, capture_output=True)

    copier_wall = repeat(context.runs, copier_copy, before=lambda: shutil.rmtree(plain, ignore_errors=True))
    return {
        "new, wall with container start": with_baseline(new_wall, copier_wall, "copier copy of the same template on the host"),
        "render alone, in the container": summary(alone, "s"),
    }
