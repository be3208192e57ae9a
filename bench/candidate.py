"""A candidate for the generated service's server, measured beside its default: the same project
image, with uWSGI (from a wheel this image adds) in place of gunicorn behind the same nginx.
A benchmark subject only: what the bench shows of it decides whether the template changes."""

import shutil
import subprocess

from bench import wheels
from bench.context import REPO

HERE = REPO / "bench" / "candidate"
WHEELS = REPO / "build" / "candidate-wheels"


def build_image(context, tag: str) -> None:
    build = context.scratch / "candidate-build"
    shutil.rmtree(build, ignore_errors=True)
    wheels.copy_into(HERE / "requirements.txt", WHEELS, build)
    for name in ("requirements.txt", "uwsgi.ini", "serve.sh"):
        shutil.copy(HERE / name, build)
    subprocess.run(["docker", "build", "--quiet", "--file", str(HERE / "Dockerfile"), "--build-arg",
                    f"PROJECT_IMAGE={context.project_image}", "--tag", tag, str(build)],
                   check=True, capture_output=True, text=True)
