"""copier, set up for a render that asks nothing: `new` has every answer before it renders.

Six costs of a plain `copier copy` that such a render does not need (copier's version is
pinned by the image, and tests/unit/test_quick_copier.py checks the project is the one copier's
own `copier copy` renders):

- the prompt libraries (questionary, prompt_toolkit, pygments' lexers), some 0.2 s to import:
  the names copier takes from them stand in until first used, and then import the real ones;
- rendering each part of every path as a Jinja string, some 400 of them, most with no Jinja in
  them: such a string is its own rendering, and the others are compiled once per render;
- compiling the template's files, some 0.08 s: the image compiles them once, when it is built
  (`python -m shallot.quick_copier TEMPLATE CACHE`), and each render reads them compiled;
- asking git, once per file written, whether the destination's index needs the file's
  executable bit (a git process each): a new project's files are tracked by no index;
- asking git whether the template's folder is a git bundle (three git processes, some 0.03 s):
  a bundle is a file;
- looking for pydantic plugins when copier's models are built, which reads the metadata of
  every installed package (some 0.1 s on an image's overlay file system): copier uses none.
"""

import contextlib
import functools
import importlib
import os
import sys
import tempfile
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import jinja2.ext

# What copier imports from the prompt libraries, by module; with their parent packages.
PROMPT_NAMES = {
    "questionary": ("confirm", "unsafe_prompt"),
    "questionary.prompts": (),
    "questionary.prompts.common": ("Choice",),
    "prompt_toolkit": (),
    "prompt_toolkit.lexers": ("PygmentsLexer",),
    "pygments": (),
    "pygments.lexers": (),
    "pygments.lexers.data": ("JsonLexer", "YamlLexer"),
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
def _fewer_git_calls(copier_main: types.ModuleType) -> Iterator[None]:
    """No file is tracked in a new project, and a template's folder is no git bundle."""
    vcs = sys.modules["copier._vcs"]
    tracked, bundle = copier_main.is_git_available, vcs.is_git_bundle
    copier_main.is_git_available = lambda: False
    vcs.is_git_bundle = lambda path: not Path(path).is_dir() and bundle(path)
    try:
        yield
    finally:
        copier_main.is_git_available, vcs.is_git_bundle = tracked, bundle


def _plain_strings_as_they_are(render_string: Callable, environment: jinja2.Environment) -> Callable:
    """RENDER_STRING, but a string on one line with none of ENVIRONMENT's markers is returned as
    it is, as Jinja would render it: after the extensions' preprocessing, which runs as Jinja
    would run it (copier's resets its `yield` state), and unless an extension rewrites the
    tokens of templates."""
    markers = (
        environment.block_start_string,
        environment.variable_start_string,
        environment.comment_start_string,
        *filter(None, (environment.line_statement_prefix, environment.line_comment_prefix)),
    )
    tokens_rewritten = any(
        type(extension).filter_stream is not jinja2.ext.Extension.filter_stream
        for extension in environment.extensions.values()
    )

    def render(string: str, extra_context: dict | None = None) -> str:
        plain = not tokens_rewritten and "\n" not in string and not any(marker in string for marker in markers)
        if plain and environment.preprocess(string) == string:
            return string
        return render_string(string, extra_context)

    return render


def _read_only(compiled: jinja2.FileSystemBytecodeCache) -> jinja2.FileSystemBytecodeCache:
    """The image's compiled templates, read and never written: they belong to root, and a
    template of another release (`update`'s) is compiled in memory instead."""
    compiled.dump_bytecode = lambda bucket: None
    return compiled


def copy(template: Path, destination: Path, data: dict, compiled: Path | None = None) -> None:
    """Renders TEMPLATE into DESTINATION with DATA and every other answer its default; the
    template's files compiled in COMPILED are read from there (see compile_template)."""
    read_only = _read_only(jinja2.FileSystemBytecodeCache(str(compiled))) if compiled is not None else None
    _render(template, destination, data, read_only)


def compile_template(template: Path, compiled: Path) -> None:
    """Compiles TEMPLATE's files into the folder COMPILED, readable by every user, by rendering
    it once: what copier compiles depends on its settings for the template, not on the answers."""
    compiled.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        _render(template, Path(scratch), {"project_name": "compiled"}, jinja2.FileSystemBytecodeCache(str(compiled)))
    for path in compiled.iterdir():
        path.chmod(0o644)


def _render(template: Path, destination: Path, data: dict, compiled: jinja2.BytecodeCache | None) -> None:
    with _no_pydantic_plugins():
        copier_main = _import_copier()
        worker = copier_main.Worker(
            src_path=str(template), dst_path=destination, data=data, defaults=True, overwrite=True, quiet=True
        )
        with _fewer_git_calls(copier_main), worker:
            environment = worker.jinja_env
            environment.from_string = functools.cache(environment.from_string)
            worker._render_string = _plain_strings_as_they_are(worker._render_string, environment)
            environment.bytecode_cache = compiled
            worker.run_copy()


if __name__ == "__main__":
    compile_template(Path(sys.argv[1]), Path(sys.argv[2]))
