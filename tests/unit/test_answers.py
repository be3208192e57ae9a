"""The rules every answer follows, and the defaults derived from the project name."""

import pytest

from shallot.answers import (
    Answers,
    check_database_name,
    check_email,
    check_image,
    check_package_name,
    check_port,
    check_text,
    default_for,
    normalise_project_name,
)
from shallot.errors import EXIT_BAD_INPUT, BadInput


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("payments-api", "payments-api"),
        ("Payments API", "payments-api"),
        ("payments_api", "payments-api"),
        ("  billing  ", "billing"),
        ("café-api", "cafe-api"),
        ("v2-api", "v2-api"),
    ],
)
def test_names_normalise_to_folder_names(raw, name):
    assert normalise_project_name(raw) == name


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "NAME is empty"),
        ("   ", "NAME is empty"),
        ("a/b", "path separator"),
        ("/abs", "path separator"),
        ("a\\b", "path separator"),
        ("..", "parent or current folder"),
        ("a..b", "parent or current folder"),
        (".", "parent or current folder"),
        ("x" * 65, "the limit is 64"),
        ("数据", "no letters or digits that can be written in ASCII"),
        ("1api", "starts with a digit"),
        ("api;rm", "not lower-case letters, digits and single dashes"),
        ("a--b", "not lower-case letters, digits and single dashes"),
        ("-api", "not lower-case letters, digits and single dashes"),
        ("$(id)", "not lower-case letters, digits and single dashes"),
    ],
)
def test_bad_names_are_refused_with_the_rule(raw, says):
    with pytest.raises(BadInput) as refused:
        normalise_project_name(raw)
    assert says in str(refused.value)
    assert refused.value.exit_code == EXIT_BAD_INPUT
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("package", "says"),
    [
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("json", "standard library"),
        ("test", "standard library"),
        ("flask", "shadows a module the project uses"),
        ("Payments", "not a Python identifier"),
        ("9lives", "not a Python identifier"),
        ("pay-ments", "not a Python identifier"),
    ],
)
def test_bad_package_names_are_refused(package, says):
    with pytest.raises(BadInput, match=says):
        check_package_name(package)


def test_good_values_pass_unchanged():
    assert check_package_name("payments_api") == "payments_api"
    assert check_email("dev@example.com") == "dev@example.com"
    assert check_port("HTTP port", "8080") == 8080
    assert check_database_name("payments_api") == "payments_api"
    assert check_image("PostgreSQL image", "postgres:15-bookworm") == "postgres:15-bookworm"
    assert check_text("description", "  A service  ") == "A service"


@pytest.mark.parametrize("port", ["0", "80", "1023", "65536", "-1", "http", "8.5"])
def test_ports_outside_the_unprivileged_range_are_refused(port):
    with pytest.raises(BadInput, match="HTTP port"):
        check_port("HTTP port", port)


@pytest.mark.parametrize("email", ["nobody", "a@b", "a b@example.com", "@example.com", "a@@example.com"])
def test_bad_emails_are_refused(email):
    with pytest.raises(BadInput, match="author email"):
        check_email(email)


@pytest.mark.parametrize("text", ["", "two\nlines", "bell\a", "x" * 201])
def test_bad_text_is_refused(text):
    with pytest.raises(BadInput, match="description"):
        check_text("description", text)


def _answers(**overrides):
    fields = {field: default_for(field, "payments-api", {}) for field in Answers.__dataclass_fields__ if field != "project_name"}
    return Answers(project_name="payments-api", **{**fields, **overrides})


def test_equal_ports_are_refused():
    with pytest.raises(BadInput, match="both 8000"):
        _answers(http_port=8000, postgres_port=8000).check()


def test_defaults_derive_from_the_name_and_earlier_answers():
    assert default_for("package_name", "payments-api", {}) == "payments_api"
    assert default_for("database_name", "payments-api", {}) == "payments_api"
    assert default_for("database_name", "payments-api", {"package_name": "billing"}) == "billing"
    assert _answers().check().as_data()["project_name"] == "payments-api"
