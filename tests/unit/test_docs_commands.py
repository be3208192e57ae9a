"""The commands the documentation shows are real: in every ```sh block of shallot's README and
docs/, and of a generated project's README and docs/, each `make TARGET` names a target of the
Makefile it is run with, and each `shallot COMMAND --option` (also as `docker run ... IMAGE
COMMAND`) names a command and options the CLI has. shallot's README stays short, and `make bench`
writes its tables into docs/benchmarks.md, between its markers, or nowhere."""

import re
import shlex
from pathlib import Path

import click
import pytest

from shallot.cli import cli

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "skeleton/project"
SHELL_BLOCK = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.MULTILINE | re.DOTALL)
TARGET = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?!=)", re.MULTILINE)
# An image reference as the docs write it, the word before a shallot command.
IMAGE = re.compile(r"(?:^|/)shallot:[^\s]+$|^REGISTRY/shallot:|^shallot:dev$")


def documents(root: Path, *folders: str) -> list[Path]:
    found = [path for path in root.glob("README.md*") if path.is_file()]
    for folder in folders:
        found += sorted((root / folder).glob("*.md*"))
    return found


REPO_DOCUMENTS = [*documents(REPO, "docs"), *documents(REPO / "runtime")]
PROJECT_DOCUMENTS = documents(PROJECT, "docs")


def targets(makefile: Path) -> set[str]:
    return set(TARGET.findall(makefile.read_text()))


def commands(document: Path) -> list[list[str]]:
    """Each command line of the document's shell blocks, as words, comments and prompts off."""
    lines = []
    text = re.sub(r"\{\{.*?\}\}", "VALUE", document.read_text())  # a template's answers
    for block in SHELL_BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip().removeprefix("$ ")
            if not line or line.startswith("#"):
                continue
            for command in re.split(r"\s*(?:&&|\|\||;)\s*", line):
                try:
                    words = shlex.split(command, comments=True)
                except ValueError:
                    continue
                if words:
                    lines.append(words)
    return lines


def make_targets_named(words: list[str]) -> list[str]:
    if words[0] != "make":
        return []
    return [word for word in words[1:] if not word.startswith("-") and "=" not in word]


def shallot_invocation(words: list[str]) -> list[str] | None:
    """The CLI's arguments, from `shallot ...` or `docker run [options] IMAGE ...`."""
    if words[0] == "shallot":
        return words[1:]
    if words[:2] == ["docker", "run"]:
        for index, word in enumerate(words):
            if IMAGE.search(word):
                return words[index + 1 :]
    return None


def check_cli(arguments: list[str]) -> None:
    group = cli
    command: click.Command = group
    while arguments and isinstance(command, click.Group):
        name = arguments[0]
        if name.startswith("-"):
            break
        assert name in command.commands, f"shallot has no command {name!r}"
        command = command.commands[name]
        arguments = arguments[1:]
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    options |= {"--help", "-h"}
    for word in arguments:
        if word.startswith("--"):
            option = word.split("=", 1)[0]
            assert option in options, f"shallot {command.name} has no option {option}"


CASES = [(document, REPO / "Makefile") for document in REPO_DOCUMENTS]
CASES += [(document, PROJECT / "Makefile.jinja") for document in PROJECT_DOCUMENTS]


@pytest.mark.parametrize(("document", "makefile"), CASES, ids=[str(d.relative_to(REPO)) for d, _ in CASES])
def test_the_documents_name_real_targets_and_options(document, makefile):
    known = targets(makefile)
    for words in commands(document):
        for target in make_targets_named(words):
            assert target in known, f"{document.name}: make {target}: no such target in {makefile.name}"
        arguments = shallot_invocation(words)
        if arguments is not None:
            check_cli(arguments)


def test_the_checks_fail_on_what_does_not_exist(tmp_path):
    document = tmp_path / "README.md"
    document.write_text("```sh\nmake no-such-target\ndocker run --rm shallot:dev new --no-such-flag x\n```\n")
    (words_make, words_cli) = commands(document)
    assert "no-such-target" not in targets(REPO / "Makefile")
    assert make_targets_named(words_make) == ["no-such-target"]
    with pytest.raises(AssertionError, match="no option --no-such-flag"):
        check_cli(shallot_invocation(words_cli))
    with pytest.raises(AssertionError, match="no command"):
        check_cli(["frobnicate"])


README_MAX_LINES = 120


def test_the_readme_is_short_and_the_rest_is_in_docs():
    lines = (REPO / "README.md").read_text().splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines, over {README_MAX_LINES}: move the detail into docs/"
    )
    for link in re.findall(r"\]\(((?:docs|runtime)/[^)#]+)", "\n".join(lines)):
        assert (REPO / link).is_file(), f"README.md links to {link}, which does not exist"


def test_the_bench_writes_its_tables_between_the_markers_of_docs_benchmarks():
    from bench import report, run

    assert run.TABLES_DOC == REPO / "docs/benchmarks.md"
    text = run.TABLES_DOC.read_text()
    assert report.TABLES_START in text and report.TABLES_END in text
    replaced = report.between_markers("intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n", "new\n")
    assert replaced == "intro\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nafter\n"
    for without in ("no markers\n", "<!-- bench:start -->\nonly the start\n",
                    "<!-- bench:end -->\nout of order\n<!-- bench:start -->\n"):
        with pytest.raises(ValueError, match="put the markers back"):
            report.between_markers(without, "new\n")


def test_a_document_without_the_markers_is_refused_not_appended_to(tmp_path):
    from bench import report

    document = tmp_path / "benchmarks.md"
    document.write_text("# Benchmarks\n")
    results = {"date": "2026-01-01 00:00 UTC", "runs": 1, "quick": True, "total_seconds": 1.0, "sections": {},
               "machine": {"cores": 2, "memory_gib": 1.0, "docker": "x", "compose": "y"}}
    with pytest.raises(ValueError, match="benchmarks.md"):
        report.write(results, tmp_path / "out", document)
    assert document.read_text() == "# Benchmarks\n"
    assert (tmp_path / "out" / "latest.json").is_file(), "the results are kept"


PROJECT_README_MAX_LINES = 200


@pytest.mark.parametrize("auth", ["oidc", "none"])
def test_a_generated_projects_readme_is_short_and_its_docs_hold_the_rest(tmp_path, auth):
    from tests.unit.test_new import shallot

    assert shallot(tmp_path, "new", "short-api", "--defaults", "--no-git", "--auth", auth).returncode == 0
    readme = (tmp_path / "short-api/README.md").read_text().splitlines()
    assert len(readme) <= PROJECT_README_MAX_LINES, f"the project's README has {len(readme)} lines"
    for link in re.findall(r"\]\((docs/[^)#]+)", "\n".join(readme)):
        assert (tmp_path / "short-api" / link).is_file(), f"the README links to {link}, which does not exist"
