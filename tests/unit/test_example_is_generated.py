"""The example a new project gets, `todos`, is what `shallot generate resource` writes for its
fields, plus lines written by hand: the generator's templates are the one source of both, and
this test keeps them from drifting apart.

"Plus lines" is checked as such: once each module's imports are set aside (an added name
changes an import line), every other line the generator writes for `todos` is in the example,
in the same order; the example only adds lines. The wiring in the project's shared files is the
generator's own, line for line."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shallot.resource.fields import parse_fields
from shallot.resource.names import Names
from shallot.resource.plan import FILES, render_resource
from shallot.resource.project import Project
from tests.unit.test_new import shallot

EXAMPLE = "todos"
FIELDS = ["title:str(200)", "done:bool=false"]
# Not an addition, and kept: the example's table was made by migration 0001 with a 32-bit id,
# before the generator existed (it writes 64-bit ids); a migration applied is history.
HISTORY = {
    "src/infrastructure/models/todo.py": [
        ("import BigInteger, ", "import "),
        ("mapped_column(BigInteger, Identity(), primary_key=True)", "mapped_column(Identity(), primary_key=True)"),
    ],
}


@pytest.fixture(scope="module", params=["oidc", "none"])
def example(request, tmp_path_factory) -> Path:
    workspace = tmp_path_factory.mktemp(f"example-{request.param}")
    result = shallot(workspace, "new", "shop", "--defaults", "--no-git", "--auth", request.param)
    assert result.returncode == 0, result.stderr
    return workspace / "shop"


@pytest.fixture(scope="module")
def generated(example):
    return render_resource(Project.at(example), Names.of(EXAMPLE), parse_fields(FIELDS), FIELDS,
                           datetime.now(UTC))


def modules() -> list[str]:
    """The files the generator writes for todos, but the migration (the example's is history)."""
    names = Names.of(EXAMPLE)
    return [pattern.format(singular=names.singular, plural=names.plural) for pattern in FILES.values()
            if "{migration}" not in pattern]


def split(source: str) -> tuple[set[tuple[str | None, str]], list[str]]:
    """The names a module imports, and its other lines that are not blank."""
    tree = ast.parse(source)
    imported, import_lines = set(), set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            import_lines.update(range(node.lineno, node.end_lineno + 1))
            imported.update((getattr(node, "module", None), alias.name) for alias in node.names)
    lines = [line.rstrip() for number, line in enumerate(source.splitlines(), 1)
             if number not in import_lines and line.strip()]
    return imported, lines


def missing_in_order(wanted: list[str], found: list[str]) -> tuple[int, str] | None:
    """The first line of WANTED that FOUND lacks in the same order (with its index), or None if
    WANTED is FOUND with lines taken out."""
    at = 0
    for index, line in enumerate(wanted):
        while at < len(found) and found[at] != line:
            at += 1
        if at == len(found):
            return index, line
        at += 1
    return None


@pytest.mark.parametrize("path", modules())
def test_the_example_is_the_generators_output_with_lines_added(example, generated, path):
    written = generated.created[path]
    for old, new in HISTORY.get(path, []):
        assert old in written, f"{path}: HISTORY's {old!r} is no longer what the generator writes"
        written = written.replace(old, new)
    generated_imports, generated_lines = split(written)
    example_imports, example_lines = split((example / path).read_text())
    assert generated_imports <= example_imports, f"{path} lacks {sorted(generated_imports - example_imports, key=str)}"
    missing = missing_in_order(generated_lines, example_lines)
    context = "\n".join(generated_lines[max(0, missing[0] - 3):missing[0] + 1]) if missing else ""
    assert missing is None, f"{path}: the example changes or lacks the generator's line, after:\n{context}"
    added = len(example_lines) - len(generated_lines)
    print(f"{path}: {len(generated_lines)} lines generated, {added} added by hand")


def test_the_example_is_wired_in_as_the_generator_wires_a_resource(example, generated):
    for edit in generated.edits:
        assert edit.undo((example / edit.path).read_text()) is not None, f"{edit.path}: {edit.shows!r} is not as generated"


def test_the_check_fails_on_a_changed_or_missing_line():
    assert missing_in_order(["a", "b", "c"], ["a", "x", "b", "y", "c"]) is None
    assert missing_in_order(["a", "b", "c"], ["a", "c", "b"]) == (2, "c")
    assert missing_in_order(["a", "b"], ["a", "B"]) == (1, "b")
