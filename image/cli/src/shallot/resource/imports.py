"""Import blocks as ruff's isort writes them: standard library, third party, the project's own;
`import x` before `from x import y` in each; names by type (CONSTANTS, Classes, functions)."""

import sys
from collections import defaultdict
from collections.abc import Iterable

FIRST_PARTY = ("src", "tests")
LINE_LENGTH = 100


def import_block(imports: Iterable[str]) -> str:
    """The block for IMPORTS, each `module` (import module) or `module:name` (from module
    import name); duplicates once."""
    modules: set[str] = set()
    names: dict[str, set[str]] = defaultdict(set)
    for entry in imports:
        module, _, name = entry.partition(":")
        if name:
            names[module].add(name)
        else:
            modules.add(module)
    sections: list[list[str]] = [[], [], []]
    for module in sorted(modules, key=str.lower):
        sections[_section(module)].append(f"import {module}")
    for module in sorted(names, key=str.lower):
        sections[_section(module)].append(_from(module, sorted(names[module], key=_by_type)))
    return "\n\n".join("\n".join(lines) for lines in sections if lines)


def _section(module: str) -> int:
    top = module.partition(".")[0]
    if top in sys.stdlib_module_names:
        return 0
    return 2 if top in FIRST_PARTY else 1


def _by_type(name: str) -> tuple[int, str]:
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1 if name[0].isupper() else 2), name


def _from(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return "\n".join([f"from {module} import (", *(f"    {name}," for name in names), ")"])
