"""The migrations an update adds go after the project's own: renumbered where the project used
their numbers, chained after its head, their order kept; left alone where nothing collides."""

from pathlib import Path

from shallot.migration_chain import chain_added_migrations

VERSIONS = "migrations/versions"


def migration(revision: str, down: str | None, title: str = "a change") -> str:
    return (f'"""{title}\n\nRevision ID: {revision}\nRevises: {down or ""}\n"""\n\n'
            f'revision = "{revision}"\ndown_revision = {f"{chr(34)}{down}{chr(34)}" if down else None}\n')


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / VERSIONS).mkdir(parents=True)
    for name, text in files.items():
        (tmp_path / VERSIONS / name).write_text(text)
    return tmp_path


def revisions(folder: Path) -> dict[str, tuple[str, str]]:
    found = {}
    for path in (folder / VERSIONS).glob("*.py"):
        lines = dict(line.split(" = ", 1) for line in path.read_text().splitlines() if " = " in line)
        found[path.name] = (lines["revision"].strip('"'), lines["down_revision"].strip('"'))
    return found


RELEASE = {"0002_create_job_queue.py": migration("0002", "0001"), "0003_todos_created_by.py": migration("0003", "0002")}
ADDED = [f"{VERSIONS}/{name}" for name in RELEASE]


def test_on_a_project_with_no_migration_of_its_own_the_releases_stay_as_they_are(tmp_path):
    folder = project(tmp_path, {"0001_create_todos.py": migration("0001", None), **RELEASE})
    assert chain_added_migrations(folder, ADDED) == []
    assert revisions(folder)["0002_create_job_queue.py"] == ("0002", "0001")


def test_they_take_the_next_numbers_after_the_projects_head_in_their_order(tmp_path):
    folder = project(tmp_path, {
        "0001_create_todos.py": migration("0001", None),
        "20260101_0002_create_invoices.py": migration("0002", "0001"),
        "20260102_0003_add_due_dates.py": migration("0003", "0002"),
        **RELEASE,
    })
    lines = chain_added_migrations(folder, ADDED)
    assert lines == [f"{VERSIONS}/0002_create_job_queue.py: revision 0004, after 0003",
                     f"{VERSIONS}/0003_todos_created_by.py: revision 0005, after 0004"]
    found = revisions(folder)
    assert found["0002_create_job_queue.py"] == ("0004", "0003")
    assert found["0003_todos_created_by.py"] == ("0005", "0004")
    assert found["20260101_0002_create_invoices.py"] == ("0002", "0001"), "the project's own are untouched"
    text = (folder / VERSIONS / "0002_create_job_queue.py").read_text()
    assert "Revision ID: 0004\nRevises: 0003\n" in text


def test_a_migration_added_later_goes_after_the_head_the_earlier_ones_made(tmp_path):
    folder = project(tmp_path, {
        "0001_create_todos.py": migration("0001", None),
        "0002_create_job_queue.py": migration("0004", "0003"),
        "20260101_0002_create_invoices.py": migration("0002", "0001"),
        "20260102_0003_add_due_dates.py": migration("0003", "0002"),
        "0003_todos_created_by.py": migration("0003", "0002"),
    })
    lines = chain_added_migrations(folder, [f"{VERSIONS}/0003_todos_created_by.py"])
    assert lines == [f"{VERSIONS}/0003_todos_created_by.py: revision 0005, after 0004"]


def test_hexadecimal_ids_are_kept_and_only_rechained(tmp_path):
    folder = project(tmp_path, {
        "0001_create_todos.py": migration("0001", None),
        "a1b2c3d4e5f6_invoices.py": migration("a1b2c3d4e5f6", "0001"),
        **RELEASE,
    })
    chain_added_migrations(folder, ADDED)
    found = revisions(folder)
    assert found["0002_create_job_queue.py"] == ("0002", "a1b2c3d4e5f6")
    assert found["0003_todos_created_by.py"] == ("0003", "0002")


def test_a_project_with_two_heads_is_left_to_merge_them(tmp_path):
    folder = project(tmp_path, {
        "0001_create_todos.py": migration("0001", None),
        "x_one.py": migration("x1", "0001"),
        "x_two.py": migration("x2", "0001"),
        **RELEASE,
    })
    assert chain_added_migrations(folder, ADDED) == []
