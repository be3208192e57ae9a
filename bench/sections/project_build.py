"""The generated project's image: a cold build (the shallot image present, nothing of the
project cached) and a rebuild after a one-line code change. The cold build is the one every
section's image came from (bench/run.py): one run, the slowest figure of the run, and not a
target. A quick run builds with the builder's cache instead, and says so in the figure's name."""

import subprocess

from bench.stats import repeat, summary


def measure(context) -> dict:
    tag = f"{context.project_image}-rebuild"

    def build():
        subprocess.run(["docker", "build", "--quiet", "--build-arg", f"SHALLOT_IMAGE={context.image}",
                        "--tag", tag, str(context.project)], check=True, capture_output=True)

    cold = summary([context.cold_build_seconds], "s")
    app = context.project / "src" / "app.py"
    original = app.read_text()
    changes = iter(range(context.runs))

    def change_one_line():
        app.write_text(original + f"# benchmark change {next(changes)}\n")

    try:
        build()
        warm = repeat(context.runs, build, before=change_one_line)
    finally:
        app.write_text(original)
        subprocess.run(["docker", "image", "rm", "--force", tag], capture_output=True)
    first = "cold build" if not context.quick else "build with the builder's cache (a quick run's)"
    return {first: cold, "rebuild after a one-line change": warm}
