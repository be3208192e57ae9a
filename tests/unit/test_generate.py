"""`shallot generate resource` and `shallot destroy resource`, on projects `shallot new` renders:
the field syntax, the refusals (one line, exit 2, nothing written), --dry-run, destroy, the
project's own templates, and, where the runtime's environment is built (make test-runtime), the
generated code passing the project's own tests, ruff and migration lint."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shallot.errors import BadInput
from shallot.resource import wiring
from shallot.resource.fields import parse_fields
from shallot.resource.names import Names
from tests.unit.test_new import shallot as shallot_in_workspace

REPO = Path(__file__).resolve().parents[2]
PROJECT_PYTHON = REPO / "build/runtime-venv/bin/python"  # flask, sqlalchemy, shallot_runtime...
TOOLS = Path(sys.executable).parent  # ruff and squawk, beside this Python
CUSTOMERS = ("customers", "name:str(80):unique")
INVOICES = ("invoices", "number:str(32):unique", "amount:decimal(12,2)", "due_on:date", "paid:bool=false",
            "note:text?", "customer:ref(customers)")


def shallot(project: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SHALLOT_PROJECT_PYTHON": str(PROJECT_PYTHON), "PATH": f"{TOOLS}:{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "shallot", *args], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


def commit(project: Path) -> None:
    git(project, "add", "-A")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "step")


def snapshot(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes() for p in sorted(project.rglob("*"))
            if p.is_file() and ".git" not in p.parts and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    workspace = tmp_path_factory.mktemp("workspace")
    result = shallot_in_workspace(workspace, "new", "shop", "--defaults", "--no-git")
    assert result.returncode == 0, result.stderr
    return workspace / "shop"


@pytest.fixture
def project(pristine, tmp_path) -> Path:
    folder = tmp_path / "shop"
    shutil.copytree(pristine, folder)
    git(folder, "init", "-q")
    commit(folder)
    return folder


# --- the field syntax

def test_the_fields_of_the_issue_are_read_with_their_types_and_flags():
    number, amount, due_on, paid, note, customer = parse_fields(list(INVOICES[1:]))
    assert (number.kind, number.length, number.unique) == ("str", 32, True)
    assert (amount.kind, amount.precision, amount.scale) == ("decimal", 12, 2)
    assert (due_on.kind, paid.kind, paid.default, paid.filterable) == ("date", "bool", "false", True)
    assert (note.kind, note.optional) == ("text", True)
    assert (customer.kind, customer.target, customer.attribute, customer.filterable) == ("ref", "customers", "customer_id", True)


def test_every_type_and_flag_is_read():
    fields = parse_fields(["a:int=0", "b:datetime", "c:uuid?:unique", "d:enum(draft|sent)=draft", "e:text=x", "f:decimal(4,4)?"])
    assert [f.kind for f in fields] == ["int", "datetime", "uuid", "enum", "text", "decimal"]
    assert fields[2].optional and fields[2].unique
    assert fields[3].choices == ("draft", "sent")


@pytest.mark.parametrize("spec, says", [
    ("amount", "is not NAME:TYPE[?][=DEFAULT][:unique]"),
    ("amount:money", "has the unknown type 'money'; the types are str(N), text"),
    ("title:str", "needs the arguments of its type: str(N)"),
    ("title:str(0)", "has N = '0'; it is a whole number from 1 to 10485760"),
    ("amount:decimal(12)", "needs a precision and a scale: decimal(P,S)"),
    ("amount:decimal(2,3)", "has S = '3'; it is a whole number from 0 to 2"),
    ("status:enum(draft)", "needs two values or more"),
    ("status:enum(Draft|sent)", "has the value 'Draft'"),
    ("due:date(1)", "gives date arguments"),
    ("class:str(10)", "names it 'class', which is a Python keyword"),
    ("order:int", "names it 'order', which is a reserved word of SQL"),
    ("Title:str(10)", "names it 'Title', which is not a name"),
    ("id:int", "names it 'id', which the generated code uses already"),
    ("note:text:uniq", "ends in 'uniq'; the one flag is :unique"),
    ("paid:bool:unique", "makes a bool unique"),
    ("paid:bool=yes", "has the default 'yes'; a bool's is true or false"),
    ("note:text?=x", "is optional (?) and has a default (=)"),
    ("due:date=today", "gives a date a default"),
    ("status:enum(a|b)=c", "has the default 'c', which is not one of its values (a, b)"),
    ("amount:decimal(4,2)=123", "has the default '123', not a decimal of 4 digits, 2 after the point"),
    ("customer:ref(Customers)", "refers to 'Customers', which is not a name"),
])
def test_a_malformed_field_is_refused_in_one_line_naming_it(spec, says):
    with pytest.raises(BadInput) as refused:
        parse_fields([spec])
    assert str(refused.value).startswith(f"field {spec!r} ")
    assert says in str(refused.value)
    assert "\n" not in str(refused.value)


def test_two_fields_of_one_name_are_refused():
    with pytest.raises(BadInput, match="have the same name"):
        parse_fields(["customer:ref(customers)", "customer_id:int"])


@pytest.mark.parametrize("plural, singular, entity, url", [
    ("invoices", "invoice", "Invoice", "/v1/invoices"),
    ("line_items", "line_item", "LineItem", "/v1/line-items"),
    ("people", "person", "Person", "/v1/people"),
    ("categories", "category", "Category", "/v1/categories"),
])
def test_the_singular_comes_from_inflect(plural, singular, entity, url):
    names = Names.of(plural)
    assert (names.singular, names.entity, names.url) == (singular, entity, url)


@pytest.mark.parametrize("plural, says", [
    ("invoice", "is not a plural with a singular of its own"),
    ("classes", "its singular 'class' is a Python keyword"),
    ("users", "its singular 'user' is a reserved word of SQL"),
    ("orders", "its singular 'order' is a reserved word of SQL"),
    ("Invoices", "is not a name"),
    ("pages", "makes a class Page, a name the project uses already"),
    ("bases", "makes a class Base, a name the project uses already"),
])
def test_a_resource_name_that_cannot_name_everything_is_refused(plural, says):
    with pytest.raises(BadInput, match=says):
        Names.of(plural)


# --- registrations in the project's files

def test_an_item_goes_into_a_one_line_tuple_and_comes_out_again():
    edit = wiring.Item("openapi.py", "BLUEPRINTS", "invoices")
    text = "BLUEPRINTS = (health, todos)\n"
    assert edit.apply(text) == "BLUEPRINTS = (health, todos, invoices)\n"
    assert edit.undo(edit.apply(text)) == text


def test_a_tuple_grown_past_the_line_length_is_written_one_item_a_line():
    names = [f"resource_number_{n}" for n in range(6)]
    text = f"BLUEPRINTS = ({', '.join(names[:5])})\n"
    grown = wiring.Item("openapi.py", "BLUEPRINTS", names[5]).apply(text)
    assert grown == "BLUEPRINTS = (\n" + "".join(f"    {name},\n" for name in names) + ")\n"


def test_an_import_goes_in_order_among_the_projects_own():
    text = "import x\n\nfrom src.a import A\nfrom src.c import C\n\nA, C\n"
    edit = wiring.ImportLine("m.py", "from src.b import B")
    assert edit.apply(text) == "import x\n\nfrom src.a import A\nfrom src.b import B\nfrom src.c import C\n\nA, C\n"
    assert edit.undo(edit.apply(text)) == text


# --- generate, in a project

def test_dry_run_lists_every_file_and_writes_nothing(project):
    before = snapshot(project)
    result = shallot(project, "generate", "resource", *CUSTOMERS, "--dry-run")
    assert result.returncode == 0, result.stderr
    listed = result.stdout.splitlines()
    assert sum(line.strip().startswith("would create") for line in listed) == 12
    assert sum(line.strip().startswith("would change") for line in listed) == 6
    assert "would create  src/domain/models/customer.py" in result.stdout
    assert "would change  src/dependency_container.py: from src.services.customer_service import CustomerService" in result.stdout
    assert "would rewrite openapi.json" in result.stdout
    assert snapshot(project) == before


@pytest.mark.parametrize("arguments, says", [
    (("todos", "title:str(10)"), "resource 'todos' exists already (its table is in src/infrastructure/models/todo.py)"),
    (("classes", "name:text"), "its singular 'class' is a Python keyword"),
    (("users", "name:text"), "its singular 'user' is a reserved word of SQL"),
    (("principals", "name:text"), "resource name 'principals' clashes with the project's src/domain/models/principal.py"),
    (("invoices", "amount:money"), "field 'amount:money' has the unknown type 'money'"),
    (("invoices", "customer:ref(customers)"), "refers to customers, which this project lacks; generate it first"),
    (("invoices", "todo:ref(todos)"), "refers to todos, which `shallot generate resource` did not make"),
    (("invoices", "number:str(32"), "field 'number:str(32' is not NAME:TYPE"),
    (("invoices", "number:str(32)", "number:text"), "have the same name"),
])
def test_a_refusal_is_one_line_exit_2_and_nothing_written(project, arguments, says):
    before = snapshot(project)
    result = shallot(project, "generate", "resource", *arguments)
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("shallot: error: ") and says in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(project) == before


def test_outside_a_project_it_is_refused(tmp_path):
    result = shallot(tmp_path, "generate", "resource", *CUSTOMERS)
    assert result.returncode == 2
    assert "is not a shallot project (no src/dependency_container.py)" in result.stderr


def test_uncommitted_changes_in_a_file_it_changes_are_refused_unless_forced(project):
    container = project / "src/dependency_container.py"
    container.write_text(container.read_text() + "# mine\n")
    before = snapshot(project)
    result = shallot(project, "generate", "resource", *CUSTOMERS)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "shallot: error: src/dependency_container.py has changes not committed, and the generator changes them; "
        "commit or stash first, or give --force"
    )
    assert snapshot(project) == before
    forced = shallot(project, "generate", "resource", *CUSTOMERS, "--force")
    assert forced.returncode == 0, forced.stderr
    assert container.read_text().endswith("# mine\n") and "customer_service: CustomerService" in container.read_text()


def test_the_projects_own_template_takes_the_place_of_the_builtin_one(project):
    own = project / ".shallot/templates/resource/domain/entity.py.jinja"
    own.parent.mkdir(parents=True)
    builtin = REPO / "image/cli/src/shallot/resource/templates/domain/entity.py.jinja"
    own.write_text('"""Ours: the {{ r.entity }} entity."""\n\n' + builtin.read_text().split("\n", 1)[1])
    commit(project)
    result = shallot(project, "generate", "resource", *CUSTOMERS)
    assert result.returncode == 0, result.stderr
    assert "with the project's templates (.shallot/templates/resource): domain/entity.py.jinja" in result.stdout
    assert (project / "src/domain/models/customer.py").read_text().startswith('"""Ours: the Customer entity."""')


def test_a_unit_of_work_made_before_0_3_hands_the_new_repository_its_session(project):
    unit_of_work = project / "src/infrastructure/unit_of_work.py"
    unit_of_work.write_text(unit_of_work.read_text().replace("self._connection", "self._session"))
    commit(project)
    assert shallot(project, "generate", "resource", *CUSTOMERS).returncode == 0
    assert "        self.customers = SqlAlchemyCustomerRepository(self._session)\n" in unit_of_work.read_text()


def test_the_migration_revises_the_head_and_follows_alembic_ini(project):
    assert shallot(project, "generate", "resource", *CUSTOMERS).returncode == 0
    (migration,) = (project / "migrations/versions").glob("*_0004_create_customers.py")
    assert 'revision = "0004"\ndown_revision = "0003"\n' in migration.read_text()
    assert migration.name[:8].isdigit()  # file_template: %(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s


# --- destroy

def test_destroy_removes_what_is_unchanged_and_lists_what_it_keeps(project):
    before = snapshot(project)
    assert shallot(project, "generate", "resource", *CUSTOMERS).returncode == 0
    commit(project)
    edited = project / "tests/unit/api/test_customers_api.py"
    edited.write_text(edited.read_text() + "# mine\n")
    result = shallot(project, "destroy", "resource", "customers")
    assert result.returncode == 0, result.stderr
    assert "removed  src/domain/models/customer.py" in result.stdout
    assert "customers: 11 files removed, 1 kept" in result.stdout
    assert "tests/unit/api/test_customers_api.py (changed)" in result.stderr
    after = snapshot(project)
    assert after.pop("tests/unit/api/test_customers_api.py").endswith(b"# mine\n")
    if PROJECT_PYTHON.is_file():  # else openapi.json keeps the resource until `make openapi`
        assert after == before
    else:
        assert {k: v for k, v in after.items() if k != "openapi.json"} == {k: v for k, v in before.items() if k != "openapi.json"}


def test_destroy_refuses_a_resource_others_refer_to_or_it_did_not_make(project):
    assert shallot(project, "generate", "resource", *CUSTOMERS).returncode == 0
    commit(project)
    assert shallot(project, "generate", "resource", *INVOICES).returncode == 0
    referred = shallot(project, "destroy", "resource", "customers")
    assert (referred.returncode, referred.stderr.strip()) == (
        2, "shallot: error: invoices refers to customers; destroy it first")
    example = shallot(project, "destroy", "resource", "todos")
    assert example.returncode == 2 and "'todos' was not made by `shallot generate resource`" in example.stderr


# --- the generated code, checked by the project's own tools

def test_two_generated_resources_pass_the_projects_tests_ruff_and_migration_lint(project):
    for resource in (CUSTOMERS, INVOICES):
        result = shallot(project, "generate", "resource", *resource)
        assert result.returncode == 0, result.stderr
        assert "rewrote openapi.json" in result.stdout
        commit(project)
    environment = {**os.environ, "APP_ENV": "test", "PATH": f"{TOOLS}:{os.environ['PATH']}"}

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True, timeout=300)

    tests = run(str(PROJECT_PYTHON), "-m", "unittest", "discover", "-s", "tests/unit", "-t", ".")
    assert tests.returncode == 0, tests.stderr[-3000:]
    assert "test_invoices_api" in run(str(PROJECT_PYTHON), "-m", "unittest", "discover", "-s", "tests/unit",
                                      "-t", ".", "-v").stderr
    for lint in (("check", "."), ("format", "--check", "src", "tests", "migrations", "manage.py")):
        checked = run(str(TOOLS / "ruff"), *lint)
        assert checked.returncode == 0, checked.stdout
    migrations = run(str(PROJECT_PYTHON), "manage.py", "lint-migrations")
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    assert "in 5 migration(s)" in migrations.stdout + migrations.stderr  # the example's three, and these two


def test_routes_require_the_resources_scopes_where_the_project_takes_tokens_and_none_where_not(tmp_path):
    for auth, expected in (("oidc", ['@invoices.requires("invoices:read")', '@invoices.requires("invoices:write")']),
                           ("none", [])):
        made = shallot_in_workspace(tmp_path, "new", f"shop-{auth}", "--defaults", "--no-git", "--auth", auth)
        assert made.returncode == 0, made.stderr
        project = tmp_path / f"shop-{auth}"
        assert shallot(project, "generate", "resource", "invoices", "number:str(32)").returncode == 0
        controller = (project / "src/api/controllers/invoices.py").read_text()
        assert sorted({line for line in controller.splitlines() if ".requires(" in line}) == expected
