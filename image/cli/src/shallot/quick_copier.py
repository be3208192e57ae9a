"""copier, set up for a render that asks nothing: `new` has every answer before it renders.

Four costs of a plain `copier copy` that such a render does not need (copier's version is
pinned by the image, and tests/unit/test_quick_copier.py checks the project is the one copier's
own `copier copy` renders):

- the prompt libraries (questionary, prompt_toolkit), some 0.2 s to import: the names copier
  takes from them stand in until first used, and then import the real ones;
- compiling the same Jinja strings again for every path (a project's answers file name alone,
  some 400 times): each string is compiled once per render;
- asking git, once per file written, whether the destination's index needs the file's
  executable bit (a git process each): a new project's files are tracked by no index;
- looking for pydantic plugins when copier's models are built, which reads the metadata of
  every installed package (some 0.1 s on an image's overlay file system): copier uses none.
"""

import contextlib
import functools
import importlib
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path

# What copier imports from the prompt libraries, by module; with their parent packages.
PROMPT_NAMES = {
    "questionary": ("confirm", "unsafe_prompt"),
    "questionary.prompts": (),
    "questionary.prompts.common": ("Choice",),
    "prompt_toolkit": (),
    "prompt_toolkit.lexers": ("PygmentsLexer",),
}

# pydantic's own setting (https://docs.pydantic.dev/latest/concepts/plugins/).
PYDANTIC_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"


class _ImportedOnUse:
    """Stands in for MODULE.NAME, imports it when first called."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: object, **kwargs: object) -> object:
        return getattr(importlib.import_module(self.module), self.name)(*args, **kwargs)


def _import_copier() -> types.ModuleType:
    """copier's main module, imported without the prompt libraries unless they are already in."""
    if "copier._main" in sys.modules or any(name in sys.modules for name in PROMPT_NAMES):
        return importlib.import_module("copier._main")
    stand_ins = {}
    for module, names in PROMPT_NAMES.items():
        stand_in = types.ModuleType(module)
        stand_in.__path__ = []  # a package, so that its submodules' stand-ins are found
        for name in names:
            setattr(stand_in, name, _ImportedOnUse(module, name))
        stand_ins[module] = stand_in
    sys.modules.update(stand_ins)
    try:
        return importlib.import_module("copier._main")
    finally:
        for module, stand_in in stand_ins.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]


@contextlib.contextmanager
def _no_pydantic_plugins() -> Iterator[None]:
    before = os.environ.get(PYDANTIC_PLUGINS)
    os.environ[PYDANTIC_PLUGINS] = "__all__"
    try:
        yield
    finally:
        if before is None:
            del os.environ[PYDANTIC_PLUGINS]
        else:
            os.environ[PYDANTIC_PLUGINS] = before


@contextlib.contextmanager
def _untracked_files(copier_main: types.ModuleType) -> Iterator[None]:
    asked = copier_main.is_git_available
    copier_main.is_git_available = lambda: False
    try:
        yield
    finally:
        copier_main.is_git_available = asked


def copy(template: Path, destination: Path, data: dict) -> None:
    """Renders TEMPLATE into DESTINATION with DATA and every other answer its default."""
    with _no_pydantic_plugins():
        copier_main = _import_copier()
        worker = copier_main.Worker(
            src_path=str(template), dst_path=destination, data=data, defaults=True, overwrite=True, quiet=True
        )
        with _untracked_files(copier_main), worker:
            environment = worker.jinja_env
            environment.from_string = functools.cache(environment.from_string)
            worker.run_copy()
