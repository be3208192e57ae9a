"""The answers a project is rendered with: the rules each one follows, and defaults derived from the name.

Every rule raises BadInput with one sentence that names the value, the rule it broke,
and what to give instead.
"""

import dataclasses
import keyword
import os
import re
import sys
import unicodedata

from shallot.errors import BadInput

MAX_PROJECT_NAME = 64
MAX_POSTGRES_IDENTIFIER = 63
MAX_TEXT = 200
MAX_EMAIL = 254
FIRST_UNPRIVILEGED_PORT = 1024
LAST_PORT = 65535

PROJECT_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
PACKAGE_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+\Z")
IMAGE_REFERENCE = re.compile(r"[a-z0-9][a-z0-9._\-/:@]*\Z")

# sys.stdlib_module_names leaves out the standard library's own `test` package.
STDLIB_MODULES = sys.stdlib_module_names | {"test"}

# Top-level names a generated project already uses or depends on: a package of that name shadows it.
TAKEN_PACKAGE_NAMES = frozenset(
    {
        "alembic",
        "apispec",
        "click",
        "flask",
        "jinja2",
        "marshmallow",
        "migrations",
        "psycopg2",
        "gunicorn",
        "pydantic",
        "pydantic_settings",
        "sqlalchemy",
        "src",
        "supervisor",
        "testcontainers",
        "tests",
        "shallot_runtime",
        "werkzeug",
    }
)


def normalise_project_name(raw: str) -> str:
    """The folder name for RAW: ASCII, lower case, words joined by single dashes."""
    if not raw.strip():
        raise BadInput("NAME is empty; give a folder name like payments-api")
    if "/" in raw or "\\" in raw:
        raise BadInput(f"NAME {raw!r} contains a path separator; give a plain folder name like payments-api")
    if ".." in raw or raw.strip() == ".":
        raise BadInput(f"NAME {raw!r} refers to a parent or current folder; give a plain folder name like payments-api")
    if len(raw) > MAX_PROJECT_NAME:
        raise BadInput(f"NAME {raw[:20]!r}... is {len(raw)} characters long; the limit is {MAX_PROJECT_NAME}")
    ascii_name = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[\s_]+", "-", ascii_name.strip().lower())
    if not name:
        raise BadInput(f"NAME {raw!r} has no letters or digits that can be written in ASCII; give a name like payments-api")
    if name[0].isdigit():
        raise BadInput(f"NAME {raw!r} starts with a digit; a project name must start with a letter, like api-{name}")
    if not PROJECT_NAME.match(name):
        raise BadInput(
            f"NAME {raw!r} becomes {name!r}, which is not lower-case letters, digits and single dashes "
            "starting with a letter; give a name like payments-api"
        )
    return name


def check_package_name(name: str) -> str:
    if not PACKAGE_NAME.match(name):
        raise BadInput(
            f"package name {name!r} is not a Python identifier of lower-case letters, digits and underscores "
            "starting with a letter; give one like payments_api"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise BadInput(f"package name {name!r} is a Python keyword; choose another with --package-name")
    if name in STDLIB_MODULES:
        raise BadInput(
            f"package name {name!r} shadows the standard library module of that name; choose another with --package-name"
        )
    if name in TAKEN_PACKAGE_NAMES:
        raise BadInput(f"package name {name!r} shadows a module the project uses; choose another with --package-name")
    return name


def check_text(label: str, value: str) -> str:
    if not value.strip():
        raise BadInput(f"{label} is empty; give a short line of text")
    if len(value) > MAX_TEXT:
        raise BadInput(f"{label} is {len(value)} characters long; the limit is {MAX_TEXT}")
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise BadInput(f"{label} {value!r} contains control characters or line breaks; give one line of text")
    return value.strip()


def check_email(value: str) -> str:
    if len(value) > MAX_EMAIL or not EMAIL.match(value):
        raise BadInput(f"author email {value!r} is not an address like name@example.com")
    return value


def check_port(label: str, value: object) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        raise BadInput(f"{label} {value!r} is not a whole number; give a port like 8000") from None
    if not FIRST_UNPRIVILEGED_PORT <= port <= LAST_PORT:
        raise BadInput(
            f"{label} {port} is out of range; give a port from {FIRST_UNPRIVILEGED_PORT} to {LAST_PORT} "
            "(the service runs as a non-root user)"
        )
    return port


def check_database_name(name: str) -> str:
    if len(name) > MAX_POSTGRES_IDENTIFIER or not DATABASE_NAME.match(name):
        raise BadInput(
            f"database name {name!r} is not a PostgreSQL name of at most {MAX_POSTGRES_IDENTIFIER} lower-case "
            "letters, digits and underscores; give one like payments_api"
        )
    return name


AUTH_CHOICES = ("oidc", "none")


def check_auth(value: str) -> str:
    choice = value.strip().lower()
    if choice not in AUTH_CHOICES:
        raise BadInput(
            f"auth {value!r} is not oidc (JWT access tokens from an OpenID Connect issuer) or none"
        )
    return choice


def check_image(label: str, reference: str) -> str:
    if not IMAGE_REFERENCE.match(reference):
        raise BadInput(f"{label} {reference!r} is not an image reference like postgres:15-bookworm")
    return reference


@dataclasses.dataclass(frozen=True)
class Answers:
    """Everything the template asks; field names are the questions in skeleton/copier.yml."""

    project_name: str
    package_name: str
    description: str
    author_name: str
    author_email: str
    http_port: int
    postgres_port: int
    database_name: str
    shallot_image: str
    postgres_image: str
    auth: str = "oidc"

    def check(self) -> "Answers":
        """Apply every rule, including those that relate two answers."""
        check_package_name(self.package_name)
        check_text("description", self.description)
        check_text("author name", self.author_name)
        check_email(self.author_email)
        check_port("HTTP port", self.http_port)
        check_port("PostgreSQL port", self.postgres_port)
        if self.http_port == self.postgres_port:
            raise BadInput(f"HTTP port and PostgreSQL port are both {self.http_port}; give them different ports")
        check_database_name(self.database_name)
        check_image("shallot image", self.shallot_image)
        check_image("PostgreSQL image", self.postgres_image)
        check_auth(self.auth)
        return self

    def as_data(self) -> dict:
        return dataclasses.asdict(self)


def default_for(field: str, project_name: str, answered: dict) -> object:
    """The default of one answer, derived from the project name and the answers given so far."""
    package_name = answered.get("package_name") or project_name.replace("-", "_")
    return {
        "package_name": package_name,
        "description": f"{project_name}: a REST API in the onion architecture",
        "author_name": "Your Name",
        "author_email": "you@example.com",
        "http_port": 8000,
        "postgres_port": 5432,
        "database_name": package_name,
        "shallot_image": os.environ.get("SHALLOT_IMAGE", "shallot:dev"),
        "postgres_image": os.environ.get("SHALLOT_POSTGRES_IMAGE", "postgres:15-bookworm"),
        "auth": "oidc",
    }[field]


# Each question after the project name: its prompt and the rule that checks a typed or given value.
QUESTIONS = {
    "package_name": ("Python package name", check_package_name),
    "description": ("Description", lambda v: check_text("description", v)),
    "author_name": ("Author name", lambda v: check_text("author name", v)),
    "author_email": ("Author email", check_email),
    "http_port": ("HTTP port", lambda v: check_port("HTTP port", v)),
    "postgres_port": ("PostgreSQL host port", lambda v: check_port("PostgreSQL port", v)),
    "database_name": ("Database name", check_database_name),
    "shallot_image": ("shallot image to build FROM", lambda v: check_image("shallot image", v)),
    "postgres_image": ("PostgreSQL image", lambda v: check_image("PostgreSQL image", v)),
    "auth": ("Authentication: oidc or none", check_auth),
}
