"""The onion's import rules, checked on the source itself: dependencies point inward only."""

import ast
import unittest
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
WEB = ("flask", "werkzeug", "marshmallow", "apispec", "webargs")
WEB += ("flask_cors", "flask_smorest", "flask_swagger_ui")
STORAGE = ("sqlalchemy", "alembic", "psycopg2", "procrastinate")  # the job queue is in the database
OBSERVABILITY = ("prometheus_client", "opentelemetry")  # shallot's, wired in by create_app
TOKENS = ("jwt",)  # access tokens are checked at the edge, by shallot_runtime.web.auth
FRAMEWORKS = (*WEB, *STORAGE, *OBSERVABILITY, *TOKENS, "shallot_runtime")
# shallot's web platform is the api's (its blueprint, the request id); the rest of the
# runtime is the composition root's.
RUNTIME_BUT_WEB = ("shallot_runtime.settings", "shallot_runtime.operations", "shallot_runtime.cli")
RUNTIME_BUT_WEB += ("shallot_runtime.serving", "shallot_runtime.testing", "shallot_runtime.alembic")
RUNTIME_BUT_WEB += ("shallot_runtime.auth", "shallot_runtime.jobs", "shallot_runtime.integrity")

# layer: (the parts of src it may import, the third-party packages it must not import)
RULES = {
    "domain": (("src.domain",), FRAMEWORKS),
    "services": (("src.domain", "src.services"), FRAMEWORKS),
    "api": (
        ("src.api", "src.services", "src.domain"),
        (*STORAGE, *OBSERVABILITY, *TOKENS, *RUNTIME_BUT_WEB),
    ),
    "infrastructure": (
        ("src.infrastructure", "src.services", "src.domain"),
        (*WEB, *OBSERVABILITY, *TOKENS),
    ),
}
# The outermost ring: the settings, the app factory, the composition root and the jobs' tasks,
# which wire the layers together (and the runtime into them); nothing inside may import them.
COMPOSITION = ("src.config", "src.create_app", "src.dependency_container", "src.app", "src.jobs")


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def breaks_rule(layer: str, imported: str) -> bool:
    allowed_src, forbidden = RULES[layer]
    if _within(imported, COMPOSITION):
        return True
    if _within(imported, ("src",)):
        return not _within(imported, allowed_src)
    return _within(imported, forbidden)


def imports_of(source: str, module: str, is_package: bool = False):
    """(line, module) for every import in `source`, relative imports resolved."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            imported = ".".join([*base, node.module] if node.module else base)
            yield node.lineno, imported
            for alias in node.names:
                yield node.lineno, f"{imported}.{alias.name}"


def violations(layer: str):
    for path in sorted((SRC / layer).rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        for line, imported in imports_of(path.read_text(encoding="utf-8"), module, is_package):
            if breaks_rule(layer, imported):
                yield f"{path.relative_to(SRC.parent)}:{line} imports {imported}"


class ImportContractTest(unittest.TestCase):
    def test_each_layer_imports_only_inward(self):
        for layer in RULES:
            with self.subTest(layer=layer):
                self.assertEqual(list(violations(layer)), [])

    def test_every_module_is_in_a_layer_or_the_composition(self):
        layered = {path.name for path in SRC.iterdir() if path.is_dir() and path.name in RULES}
        self.assertEqual(layered, set(RULES))
        modules = {f"src.{path.stem}" for path in SRC.glob("*.py") if path.stem != "__init__"}
        self.assertEqual(modules - set(COMPOSITION), set())

    def test_the_rules(self):
        self.assertTrue(breaks_rule("domain", "flask"))
        self.assertTrue(breaks_rule("domain", "src.services.ports"))
        self.assertTrue(breaks_rule("services", "sqlalchemy.orm"))
        self.assertTrue(breaks_rule("services", "src.config"))
        self.assertTrue(breaks_rule("api", "src.infrastructure.models.todo"))
        self.assertTrue(breaks_rule("infrastructure", "src.api.schemas"))
        self.assertTrue(breaks_rule("infrastructure", "flask"))
        self.assertTrue(breaks_rule("api", "sqlalchemy.exc"))
        self.assertTrue(breaks_rule("api", "src.dependency_container"))
        self.assertTrue(breaks_rule("services", "shallot_runtime"))
        self.assertTrue(breaks_rule("domain", "prometheus_client"))
        self.assertTrue(breaks_rule("api", "opentelemetry.trace"))
        self.assertTrue(breaks_rule("infrastructure", "prometheus_client"))
        self.assertTrue(breaks_rule("api", "shallot_runtime.settings"))
        self.assertFalse(breaks_rule("api", "shallot_runtime.web"))
        self.assertFalse(breaks_rule("api", "shallot_runtime.web.auth"))
        self.assertTrue(breaks_rule("services", "jwt"))
        self.assertTrue(breaks_rule("domain", "shallot_runtime.auth"))
        self.assertTrue(breaks_rule("services", "procrastinate"))
        self.assertTrue(breaks_rule("api", "shallot_runtime.jobs"))
        self.assertTrue(breaks_rule("infrastructure", "src.jobs"))
        self.assertFalse(breaks_rule("infrastructure", "shallot_runtime.jobs"))
        self.assertFalse(breaks_rule("api", "src.services.todo_service"))
        self.assertFalse(breaks_rule("domain", "dataclasses"))

    def test_relative_imports_are_resolved(self):
        found = [m for _, m in imports_of("from ..infrastructure import models", "src.api.x")]
        self.assertIn("src.infrastructure.models", found)
