"""`make bench`: measure the whole workflow on this machine and write bench/results/latest.*.

A full run (every section, not --quick) also writes the tables into docs/benchmarks.md,
between its markers.

    python -m bench.run [--quick] [--runs N] [--out DIR] [--sections a,b,...]

--quick is the smallest size (one run, short loads): `make test` runs it to prove the
harness works, and asserts nothing about the figures.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench.context import REPO, Context
from bench.sections import (
    api, devcontainer, images, jobs, maintenance, observability, project_build, render, stack,
)

# Where a full run's tables go, between the markers report.TABLES_START and TABLES_END.
TABLES_DOC = REPO / "docs" / "benchmarks.md"

SECTIONS = {
    "render": render,
    "project_build": project_build,
    "stack": stack,
    "devcontainer": devcontainer,
    "api": api,
    "observability": observability,
    "maintenance": maintenance,
    "jobs": jobs,
    "images": images,
}


def machine() -> dict:
    compose = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if compose.returncode != 0:
        compose = subprocess.run(["docker-compose", "version", "--short"], capture_output=True, text=True)
        compose_version = f"docker-compose {compose.stdout.strip()}"
    else:
        compose_version = compose.stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "docker": subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"], capture_output=True,
                                 text=True).stdout.strip(),
        "compose": compose_version,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of everything, short loads")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5; 1 with --quick)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated subset")
    args = parser.parse_args(argv)
    chosen = args.sections.split(",")
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    tables_doc = TABLES_DOC if not args.quick and set(chosen) == set(SECTIONS) else None
    if tables_doc is not None:
        try:  # refused now, not after the whole run
            report.between_markers(tables_doc.read_text(), "")
        except ValueError as error:
            parser.error(f"{tables_doc}: {error}")

    begun = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="shallot-bench-"))
    context = Context(
        image=os.environ.get("IMAGE", "shallot:dev"),
        python_image=os.environ["PYTHON_IMAGE"],
        postgres_image=os.environ["POSTGRES_IMAGE"],
        scratch=scratch,
        runs=1 if args.quick else args.runs,
        quick=args.quick,
    )
    context.project_image = f"shallot-bench/demo-api:{os.getpid()}"
    try:
        # Without authentication: the sections measure serving, the stack and the inner loop; the
        # api section adds the same API with --auth oidc, to measure what a token costs.
        context.project = context.render("demo-api", "--auth", "none")
        context.build_project(context.project_image)
        results = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "runs": context.runs,
            "quick": args.quick,
            "sections": {},
            "section_seconds": {},
        }
        for name in chosen:
            print(f"bench: {name}", file=sys.stderr, flush=True)
            started = time.perf_counter()
            results["sections"][name] = SECTIONS[name].measure(context)
            results["section_seconds"][name] = round(time.perf_counter() - started, 1)
        results["total_seconds"] = round(time.perf_counter() - begun, 1)
        report.write(results, args.out, tables_doc)
        print(f"bench: wrote {args.out / 'latest.json'} and {args.out / 'latest.md'}", file=sys.stderr)
        if tables_doc is not None:
            print(f"bench: wrote the tables into {tables_doc}", file=sys.stderr)
        return 0
    finally:
        subprocess.run(["docker", "image", "rm", "--force", context.project_image, context.oidc_project_image or ""],
                       capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
