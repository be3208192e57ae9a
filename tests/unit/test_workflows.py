"""GitHub Actions: the workflows and the Dependabot file that every generated project carries, and
shallot's own (.github/). Each one validates against schemastore's schema (as check-jsonschema
ships it), and passes actionlint and zizmor (offline) with no findings; and each of those checks
fails on a file broken the way it should catch."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.unit.test_new import shallot

PROJECT = "ci-demo"
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
# The stages of `make ci`, in order; ci.yml runs the same targets, one job per stage.
CI_STAGES = ["lint", "lint-migrations", "test-unit", "test-integration", "image", "smoke"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("workflows")
    result = shallot(workspace, "new", PROJECT, "--defaults")
    assert result.returncode == 0, result.stderr
    return workspace / PROJECT


def run_tool(name, *args):
    """One of the checkers, from the tests' virtualenv (or PATH); its exit code and its output."""
    path = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if path is None:
        pytest.fail(f"{name} is not installed; `make venv` installs it (tests/requirements.txt)")
    # zizmor would use a GitHub token for its online audits: offline, it must not find one.
    env = {key: value for key, value in os.environ.items() if key not in {"GH_TOKEN", "GITHUB_TOKEN"}}
    result = subprocess.run([path, *map(str, args)], capture_output=True, text=True, env=env, timeout=120)
    return result.returncode, result.stdout + result.stderr


def check_schema(schema, *files):
    return run_tool("check-jsonschema", "--builtin-schema", schema, *files)


def actionlint(*files):
    return run_tool("actionlint", "-no-color", *files)


def zizmor(folder):
    # --strict-collection: a file zizmor cannot parse is an error, not silently skipped.
    return run_tool("zizmor", "--offline", "--strict-collection", "--no-progress", "--color", "never", folder)


def assert_github_folder_passes(github):
    """Every check on a .github folder: schemas, actionlint, zizmor."""
    workflows = sorted(github.glob("workflows/*.yml"))
    assert workflows, f"no workflows in {github}"
    for check in (
        check_schema("vendor.github-workflows", *workflows),
        check_schema("vendor.dependabot", github / "dependabot.yml"),
        actionlint(*workflows),
        zizmor(github),
    ):
        assert check[0] == 0, check[1]


def load(path):
    return yaml.safe_load(path.read_text())


def steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("where", ["generated project", "shallot"])
def test_workflows_and_dependabot_pass_every_check(where, project):
    assert_github_folder_passes((project if where == "generated project" else REPO) / ".github")


@pytest.mark.parametrize("where", ["generated project", "shallot"])
def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it(where, project):
    github = (project if where == "generated project" else REPO) / ".github"
    for path in github.glob("workflows/*.yml"):
        for step in steps(load(path)):
            if "uses" in step:
                assert SHA_PIN.match(step["uses"]), f"{path.name}: {step['uses']} is not pinned to a commit"
                assert re.search(re.escape(step["uses"]) + r" # v\d", path.read_text()), step["uses"]


def test_the_ci_jobs_run_the_stages_of_make_ci_in_its_order(project):
    workflow = load(project / ".github/workflows/ci.yml")
    commands = [line for step in steps(workflow) for line in step.get("run", "").splitlines()]
    targets = [word for line in commands if line.startswith("make ") for word in shlex.split(line)[1:]
               if "=" not in word]
    assert targets == CI_STAGES

    makefile = (project / "Makefile").read_text()
    recipe = re.search(r"^ci:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no ci target"
    made = re.findall(r"^\t\$\(MAKE\) (.+)$", recipe.group(1), re.MULTILINE)
    assert [word for line in made for word in line.split() if not word.startswith("-")] == CI_STAGES


def test_ci_needs_no_secret_and_least_privilege(project):
    for name in ("ci.yml", "release.yml"):
        workflow = load(project / ".github/workflows" / name)
        assert workflow["permissions"] == {}, "every job asks for what it needs"
        for job in workflow["jobs"].values():
            assert job["timeout-minutes"] <= 30
            assert set(job["permissions"]) <= {"contents", "packages"}
    ci = (project / ".github/workflows/ci.yml").read_text()
    assert "secrets." not in ci, "pull requests from forks get no secrets"
    assert yaml.safe_load(ci)["concurrency"]["group"]


def test_release_pushes_the_image_with_provenance_and_an_sbom_on_a_version_tag(project):
    workflow = load(project / ".github/workflows/release.yml")
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # PyYAML reads the key `on` as True
    build = next(step for step in steps(workflow) if step.get("uses", "").startswith("docker/build-push-action@"))
    assert build["with"]["push"] is True
    assert build["with"]["provenance"] == "mode=max"
    assert build["with"]["sbom"] is True
    meta = next(step for step in steps(workflow) if step.get("uses", "").startswith("docker/metadata-action@"))
    assert meta["with"]["images"] == "ghcr.io/${{ github.repository }}"
    assert meta["with"]["tags"].split() == ["type=semver,pattern={{version}}", "type=sha,format=long"]


def test_dependabot_watches_the_packages_the_base_image_and_the_actions(project):
    updates = load(project / ".github/dependabot.yml")["updates"]
    assert {(update["package-ecosystem"], update["directory"]) for update in updates} == {
        ("uv", "/"), ("docker", "/"), ("github-actions", "/")}


# The checks themselves: each fails on a copy of a good file broken the way it should catch.

@pytest.fixture
def broken(project, tmp_path):
    """A copy of the project's .github folder, and a way to rewrite one of its files."""
    github = tmp_path / ".github"
    shutil.copytree(project / ".github", github)

    def rewrite(name, old, new):
        """Replace the first `old` in `name` with `new` (or, given lists, each with its own)."""
        path = github / name
        text = path.read_text()
        for before, after in zip(*((old, new) if isinstance(old, list) else ([old], [new])), strict=True):
            assert before in text, f"{before!r} is not in {name}"
            text = text.replace(before, after, 1)
        path.write_text(text)
        return path

    return github, rewrite


def test_the_schema_check_rejects_an_unknown_key(broken):
    github, rewrite = broken
    path = rewrite("workflows/ci.yml", "timeout-minutes: 15", "timeout-minute: 15")
    code, output = check_schema("vendor.github-workflows", path)
    assert code != 0 and "timeout-minute" in output


def test_the_schema_check_rejects_an_unknown_dependabot_ecosystem(broken):
    github, rewrite = broken
    path = rewrite("dependabot.yml", "package-ecosystem: uv", "package-ecosystem: poetry-ish")
    assert check_schema("vendor.dependabot", path)[0] != 0


def test_actionlint_rejects_an_output_of_a_job_that_is_not_needed(broken):
    github, rewrite = broken
    path = rewrite("workflows/ci.yml", "${{ needs.shallot-image.outputs.image }}", "${{ needs.nope.outputs.image }}")
    code, output = actionlint(path)
    assert code != 0 and "nope" in output


def test_actionlint_runs_shellcheck_on_the_scripts(broken):
    assert shutil.which("shellcheck"), "actionlint checks run: scripts with shellcheck (Debian's package; .ci/run installs it)"
    github, rewrite = broken
    path = rewrite("workflows/ci.yml", 'docker manifest inspect "$image"', "docker manifest inspect $image")
    code, output = actionlint(path)
    assert code != 0 and "SC2086" in output


@pytest.mark.parametrize(("name", "old", "new", "audit"), [
    ("workflows/ci.yml", "@e468171a9de216ec08956ac3ada2f0791b6bd435 # v3.11.1", "@v3.11.1", "unpinned-uses"),
    ("workflows/ci.yml", "          persist-credentials: false\n", "          fetch-depth: 1\n", "artipacked"),
    ("workflows/ci.yml", ["permissions: {}\n", "    permissions:\n      contents: read # check out the code\n"], ["", ""],
     "excessive-permissions"),
    ("workflows/ci.yml", 'image=${REQUESTED:-', 'image=${{ inputs.shallot-image }}\n          image=${REQUESTED:-',
     "template-injection"),
    ("dependabot.yml", "    cooldown:\n      default-days: 7\n", "", "dependabot-cooldown"),
])
def test_zizmor_finds_what_it_should(broken, name, old, new, audit):
    github, rewrite = broken
    rewrite(name, old, new)
    code, output = zizmor(github)
    assert code != 0 and audit in output
