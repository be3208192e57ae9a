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
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('questionary', 'prompt_toolkit')))\n"
        "from copier import _user_data\n"
        "print(type(_user_data.Choice('a name', 'a value')).__module__)\n"
        "import questionary\n"
        "print(questionary.unsafe_prompt.__module__)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["[]", "questionary.prompts.common", "questionary.prompt"]


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
