"""A resource's files and registrations, rendered in memory: listed by --dry-run, or written
all at once once every check has passed."""

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path

import jinja2

from shallot.errors import BadInput
from shallot.resource import wiring
from shallot.resource.fields import Field, parse_fields
from shallot.resource.imports import import_block
from shallot.resource.inflection import english
from shallot.resource.migration import next_migration
from shallot.resource.names import Names
from shallot.resource.project import Project
from shallot.resource.record import Record, digest
from shallot.resource.resource import Resource

OVERRIDES = Path(".shallot/templates/resource")  # in the project: templates of its own
CONTRACT = "openapi.json"
# template -> the file it writes, from the resource's names
FILES = {
    "domain/entity.py.jinja": "src/domain/models/{singular}.py",
    "services/service.py.jinja": "src/services/{singular}_service.py",
    "infrastructure/table.py.jinja": "src/infrastructure/models/{singular}.py",
    "infrastructure/repository.py.jinja": "src/infrastructure/repositories/{singular}_repository.py",
    "api/schemas.py.jinja": "src/api/schemas/{plural}.py",
    "api/controller.py.jinja": "src/api/controllers/{plural}.py",
    "migrations/create.py.jinja": "migrations/versions/{migration}",
    "tests/unit/domain.py.jinja": "tests/unit/domain/test_{singular}.py",
    "tests/unit/service.py.jinja": "tests/unit/services/test_{singular}_service.py",
    "tests/unit/api.py.jinja": "tests/unit/api/test_{plural}_api.py",
    "tests/integration/repository.py.jinja": "tests/integration/test_{singular}_repository.py",
    "tests/integration/api.py.jinja": "tests/integration/test_{plural}_api.py",
}
PORT = "services/port.py.jinja"
UNIT_OF_WORK = "src/infrastructure/unit_of_work.py"


@dataclass
class Plan:
    project: Project
    resource: Resource
    specs: list[str]
    created: dict[str, str] = field(default_factory=dict)  # path: content
    changed: dict[str, str] = field(default_factory=dict)  # path: content after the edits
    edits: list[wiring.Edit] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)  # the project's own templates used

    def touched(self) -> list[str]:
        return [*self.changed, CONTRACT]

    def write(self) -> None:
        """Writes every file, formats the new ones with ruff where it is installed, and keeps
        the record of what was written."""
        for path, text in {**self.created, **self.changed}.items():
            target = self.project.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        _format(self.project.root, list(self.created))
        written = {path: digest(self.project.read(path)) for path in self.created}
        record = Record(self.resource.plural, self.specs, written, [_saved(edit) for edit in self.edits])
        record_path = Record.path(self.project.root, self.resource.plural)
        record_path.parent.mkdir(parents=True, exist_ok=True)
        record_path.write_text(record.text(), encoding="utf-8")


def plan_resource(project: Project, plural: str, specs: list[str], now: datetime) -> Plan:
    """Every file the resource writes and changes, checked against the project; a refusal
    (BadInput) before anything is written."""
    names = Names.of(plural)
    fields = parse_fields(specs)
    _check_new(project, names)
    return render_resource(project, names, fields, specs, now)


def render_resource(project: Project, names: Names, fields: list[Field], specs: list[str], now: datetime) -> Plan:
    """What `plan_resource` writes, without asking whether the resource is new: the example's
    test compares the project's `todos` with it."""
    plural = names.plural
    resource = Resource.of(names, fields, _references(project, names, fields))
    migration = next_migration(project.root, f"create_{plural}", now)
    environment, overridden = _templates(project.root)
    context = {"r": resource, "migration": migration, "auth": project.auth}
    plan = Plan(project, resource, list(specs), overridden=overridden)
    for template, pattern in FILES.items():
        path = pattern.format(singular=names.singular, plural=plural, migration=migration.file_name)
        plan.created[path] = environment.get_template(template).render(context)
    plan.edits = registrations(resource, environment.get_template(PORT).render(context), _repositories_take(project))
    for edit in plan.edits:
        before = plan.changed.get(edit.path) or project.read(edit.path)
        try:
            plan.changed[edit.path] = edit.apply(before)
        except wiring.WiringError as error:
            raise BadInput(f"{error}; register {plural} there by hand, or restore the file") from None
    return plan


def _repositories_take(project: Project) -> str:
    """What the project's unit of work hands its repositories: its connection, or its ORM
    session in a project made before 0.3.0 (a repository uses only what both have)."""
    unit_of_work = project.root / UNIT_OF_WORK
    if unit_of_work.is_file() and "Repository(self._session)" in unit_of_work.read_text(encoding="utf-8"):
        return "self._session"
    return "self._connection"


def registrations(r: Resource, port: str, repositories_take: str = "self._connection") -> list[wiring.Edit]:
    """Where the project learns of the resource: its port in the unit of work, its table for
    Alembic, its repository (given `repositories_take`), its service in the container, its
    blueprint, its fake."""
    s, entity, plural = r.singular, r.entity, r.plural
    port_types = [entity, *(f.enum_class for f in r.filters if f.kind == "enum")]
    names = [json.dumps(f.attribute) for f in r.unique]
    unique = f", unique=({', '.join(names)}{',' if len(names) == 1 else ''})" if names else ""
    return [
        wiring.ImportLine("src/services/ports.py", _import(f"src.domain.models.{s}", *port_types)),
        wiring.Block("src/services/ports.py", r"^class UnitOfWork\(", port),
        wiring.Line("src/services/ports.py", r"    \w+: \w+Repository", f"    {plural}: {entity}Repository"),
        wiring.ImportLine(
            "src/infrastructure/models/__init__.py",
            _import(f"src.infrastructure.models.{s}", f"{entity}Record"),
        ),
        wiring.Item("src/infrastructure/models/__init__.py", "__all__", f'"{entity}Record"', sort=True),
        wiring.ImportLine(
            UNIT_OF_WORK,
            _import(f"src.infrastructure.repositories.{s}_repository", f"SqlAlchemy{entity}Repository"),
        ),
        wiring.Line(
            UNIT_OF_WORK,
            rf"        self\.\w+ = SqlAlchemy\w+Repository\({re.escape(repositories_take)}\)",
            f"        self.{plural} = SqlAlchemy{entity}Repository({repositories_take})",
        ),
        wiring.ImportLine(
            "src/dependency_container.py", _import(f"src.services.{s}_service", f"{entity}Service")
        ),
        wiring.Line(
            "src/dependency_container.py", r"    \w+_service: \w+Service", f"    {s}_service: {entity}Service"
        ),
        wiring.Line(
            "src/dependency_container.py",
            r"        \w+_service=\w+Service\(.*\),",
            f"        {s}_service={entity}Service(unit_of_work, clock, reads),",
        ),
        wiring.ImportLine("src/api/openapi.py", _import(f"src.api.controllers.{plural}", plural)),
        wiring.Item("src/api/openapi.py", "BLUEPRINTS", plural),
        wiring.Line(
            "tests/support/fakes.py",
            r"        self\.\w+ = FakeRepository\(.*\)",
            f'        self.{plural} = FakeRepository("{r.label}"{unique})',
        ),
    ]


def rewrite_contract(root: Path) -> str | None:
    """openapi.json from the routes, by the project's own `manage.py openapi`; None once done,
    else why not. SHALLOT_PROJECT_PYTHON names the project's Python (default: this one)."""
    python = os.environ.get("SHALLOT_PROJECT_PYTHON") or sys.executable
    environment = {**os.environ, "APP_ENV": os.environ.get("APP_ENV", "test")}
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [python, "manage.py", "openapi"],
        cwd=root,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if result.returncode == 0:
        return None
    return (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]


def _check_new(project: Project, names: Names) -> None:
    tables = project.tables()
    if names.plural in tables:
        raise BadInput(
            f"resource {names.plural!r} exists already (its table is in {tables[names.plural]}); choose another name"
        )
    for pattern in FILES.values():
        if "{migration}" in pattern:
            continue
        path = pattern.format(singular=names.singular, plural=names.plural)
        if (project.root / path).exists():
            raise BadInput(
                f"resource name {names.plural!r} clashes with the project's {path}; choose another name"
            )


def _references(project: Project, names: Names, fields: list[Field]) -> dict[str, Resource]:
    """The resources the ref fields name, each with those it refers to in turn."""
    tables = project.tables()
    resolved: dict[str, Resource] = {}
    for f in fields:
        if f.kind != "ref" or f.target in resolved:
            continue
        if f.target == names.plural:
            raise BadInput(
                f"field {f.spec!r} refers to {names.plural} itself, which the generator does not write yet"
            )
        if f.target not in tables:
            raise BadInput(
                f"field {f.spec!r} refers to {f.target}, which this project lacks; generate it first"
            )
        record = project.record(f.target)
        if record is None:
            raise BadInput(
                f"field {f.spec!r} refers to {f.target}, which `shallot generate resource` did not make: "
                "its tests would not know how to make one; refer to a generated resource"
            )
        target = Names.of(f.target)
        target_fields = parse_fields(record.fields)
        resolved[f.target] = Resource.of(target, target_fields, _references(project, target, target_fields))
    return resolved


def _templates(root: Path) -> tuple[jinja2.Environment, list[str]]:
    own = root / OVERRIDES
    builtin = files("shallot.resource") / "templates"
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(own), jinja2.FileSystemLoader(str(builtin))]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - Python source, not HTML
    )
    words = english()
    environment.filters["article"] = words.a
    environment.filters["article_name"] = lambda word: words.a(word.replace("_", " ")).replace(" ", "_")
    overridden = sorted(t for t in [*FILES, PORT] if (own / t).is_file())
    return environment, overridden


def _format(root: Path, paths: list[str]) -> None:
    """ruff's formatting and import order on PATHS, by the project's settings, where ruff is
    installed (the image has it); the templates are written to need none, but long names can
    make long lines."""
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None or not paths:
        return
    for arguments in (
        ["check", "--fix", "--quiet", "--no-cache", "--select", "I"],
        ["format", "--quiet", "--no-cache"],
    ):
        subprocess.run([ruff, *arguments, *paths], cwd=root, capture_output=True, check=False)  # noqa: S603


def _import(module: str, *names: str) -> str:
    return import_block(f"{module}:{name}" for name in names)


def _saved(edit: wiring.Edit) -> dict:
    return {"kind": type(edit).__name__, **vars(edit)}
