"""`shallot migrate` hands over to the project's own migrator, or refuses in one line."""

import os
import subprocess
import sys


def run_shallot(cwd, *args):
    return subprocess.run([sys.executable, "-m", "shallot", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env={**os.environ})


def test_migrate_runs_manage_py_migrate_with_the_arguments(tmp_path):
    (tmp_path / "manage.py").write_text("import sys, os\nprint(os.getcwd(), sys.argv[1:])\n")
    result = run_shallot(tmp_path.parent, "migrate", "--project", str(tmp_path), "--mode", "full")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{tmp_path} ['migrate', '--mode', 'full']"


def test_migrate_outside_a_project_is_refused_in_one_line(tmp_path):
    result = run_shallot(tmp_path, "migrate")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"shallot: error: no manage.py in {tmp_path}; run `shallot migrate` in a project made by `shallot new`, "
        "or give its folder with --project"
    ]
