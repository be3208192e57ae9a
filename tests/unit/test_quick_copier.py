"""The render `new` runs: copier without its prompt libraries, and the same project as copier's own."""

import os
import subprocess
import sys

from shallot import quick_copier
from shallot.render import template_dir


def _tree(folder):
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), os.access(path, os.X_OK))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_it_renders_what_copier_renders(tmp_path):
    from copier import run_copy

    data = {"project_name": "ledger-api", "http_port": 8100}
    quick_copier.copy(template_dir(), tmp_path / "quick", data)
    run_copy(str(template_dir()), str(tmp_path / "plain"), data=data, defaults=True, quiet=True)
    quick, plain = _tree(tmp_path / "quick"), _tree(tmp_path / "plain")
    assert len(quick) > 50
    assert quick == plain


def test_copier_is_imported_without_the_prompt_libraries_which_are_imported_when_first_used():
    script = (
        "import sys\n"
        "from shallot import quick_copier\n"
        "quick_copier._import_copier()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('questionary', 'prompt_toolkit', 'pygments')))\n"
        "from copier import _user_data\n"
        "print(type(_user_data.Choice('a name', 'a value')).__module__)\n"
        "import questionary\n"
        "print(questionary.unsafe_prompt.__module__)\n"
        "print(_user_data.YamlLexer().name)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["[]", "questionary.prompts.common", "questionary.prompt", "YAML"]


def test_no_pydantic_plugin_is_looked_for_and_the_setting_is_left_as_it_was(tmp_path):
    script = (
        "import os, sys\n"
        "from pydantic.plugin import _loader\n"
        "from shallot import quick_copier\n"
        "looked = []\n"
        "_loader.entry_points = lambda *a, **k: looked.append(1) or []\n"
        f"quick_copier.copy(quick_copier.Path({str(template_dir())!r}), quick_copier.Path({str(tmp_path / 'p')!r}),"
        " {'project_name': 'ledger-api'})\n"
        "print(len(looked), os.environ.get('PYDANTIC_DISABLE_PLUGINS'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0", "None"]


def test_a_render_reads_the_template_compiled_and_renders_the_same(tmp_path, monkeypatch):
    import jinja2

    compiled = tmp_path / "compiled"
    quick_copier.compile_template(template_dir(), compiled)
    assert compiled.is_dir() and all(path.stat().st_mode & 0o777 == 0o644 for path in compiled.iterdir())
    names = []
    compile_source = jinja2.Environment.compile

    def compile_and_note(environment, source, name=None, *args, **kwargs):
        names.append(name)
        return compile_source(environment, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_and_note)
    data = {"project_name": "ledger-api"}
    quick_copier.copy(template_dir(), tmp_path / "cold", data)
    files = [name for name in names if name]
    assert len(files) > 20
    names.clear()
    quick_copier.copy(template_dir(), tmp_path / "warm", data, compiled)
    assert [name for name in names if name] == []
    assert _tree(tmp_path / "warm") == _tree(tmp_path / "cold")


def test_a_template_not_compiled_is_rendered_and_the_compiled_folder_left_as_it_is(tmp_path):
    compiled = tmp_path / "compiled"
    compiled.mkdir()
    compiled.chmod(0o555)  # as the image's folder is to its users
    quick_copier.copy(template_dir(), tmp_path / "project", {"project_name": "ledger-api"}, compiled)
    assert (tmp_path / "project" / "pyproject.toml").is_file()
    assert list(compiled.iterdir()) == []


def test_a_folder_is_no_git_bundle_without_asking_git_and_a_file_is_asked(tmp_path, monkeypatch):
    from copier import _main, _vcs

    asked = []
    monkeypatch.setattr(_vcs, "is_git_bundle", lambda path: asked.append(path) or True)
    bundle = tmp_path / "template.bundle"
    bundle.write_bytes(b"")
    with quick_copier._fewer_git_calls(_main):
        assert _vcs.is_git_bundle(tmp_path) is False
        assert _vcs.is_git_bundle(bundle) is True
        assert _main.is_git_available() is False
    assert asked == [bundle]


def test_a_string_with_no_jinja_in_it_is_its_own_rendering_and_the_others_are_rendered():
    import jinja2

    rendered = []
    render = quick_copier._plain_strings_as_they_are(lambda string, extra=None: rendered.append(string) or "R",
                                                      jinja2.Environment(line_comment_prefix="##"))
    assert [render(string) for string in ("src", "compose.yaml", "a b.txt")] == ["src", "compose.yaml", "a b.txt"]
    templated = ["{{ name }}", "{% if x %}y{% endif %}", "{# note #}", "two\nlines", "## comment"]
    assert [render(string) for string in templated] == ["R"] * 5
    assert rendered == templated


def test_an_extension_that_rewrites_templates_gets_every_string():
    import jinja2
    import jinja2.ext

    class Shout(jinja2.ext.Extension):
        def preprocess(self, source, name, filename=None):
            return source.upper()

    class Tokens(jinja2.ext.Extension):
        def filter_stream(self, stream):
            return stream

    for extension in (Shout, Tokens):
        render = quick_copier._plain_strings_as_they_are(lambda string, extra=None: "R",
                                                          jinja2.Environment(extensions=[extension]))
        assert render("src") == "R"
