"""AUTH_* in a project's settings class (`class Settings(ServiceSettings, AuthSettings)`): the
development issuer in development and test, production's refusals, bad values one line each,
beside shallot's other settings and their problems."""

import os

import pytest

from shallot_runtime.auth import DEV_AUDIENCE, DEV_ISSUER, TokenVerifier
from shallot_runtime.auth.keys import IssuerKeys
from shallot_runtime.settings import ConfigError, load_settings
from tests.support.settings import AuthProjectSettings

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "POSTGRES_PASSWORD": "db-secret",
    "AUTH_ISSUER": "https://login.example.com/tenant/v2.0",
    "AUTH_AUDIENCE": "api://todos",
}


@pytest.fixture
def load(monkeypatch):
    """The settings from `variables` alone, in an environment cleared of what settings read."""
    names = {name.upper() for name in AuthProjectSettings.model_fields}
    for name in list(os.environ):
        if name.upper() in names:
            monkeypatch.delenv(name)

    def load_from(variables, **options):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return load_settings(AuthProjectSettings, **options)

    return load_from


@pytest.fixture
def problems(load):
    def problems_of(variables) -> list[str]:
        with pytest.raises(ConfigError) as caught:
            load(variables)
        assert "\n" not in str(caught.value)
        return caught.value.problems

    return problems_of


@pytest.mark.parametrize("profile", ["development", "test"])
def test_development_and_test_take_the_development_issuers_tokens(load, profile):
    settings = load({"APP_ENV": profile})
    assert (settings.auth_issuer, settings.auth_audience) == (DEV_ISSUER, DEV_AUDIENCE)
    assert DEV_ISSUER == "http://issuer:9000"
    assert settings.auth_algorithms == ("RS256", "ES256")
    assert (settings.auth_leeway, settings.auth_timeout) == (30, 3)
    assert (settings.auth_jwks_min_refresh, settings.auth_jwks_ttl) == (60, 3600)
    assert settings.page_size == 50  # the project's own field, beside them


def test_production_with_its_issuer_and_audience_loads(load):
    settings = load({**PRODUCTION, "AUTH_ALGORITHMS": "rs256, PS256", "AUTH_LEEWAY": "5"})
    assert settings.auth_issuer == "https://login.example.com/tenant/v2.0"
    assert settings.auth_audience == "api://todos"
    assert settings.auth_algorithms == ("RS256", "PS256")
    assert settings.auth_leeway == 5


def test_production_names_the_issuer_and_the_audience_it_lacks(problems):
    missing = {**PRODUCTION, "AUTH_ISSUER": "", "AUTH_AUDIENCE": ""}
    assert problems(missing) == [
        "AUTH_ISSUER is not set, and production has no default for it; set it to your identity"
        " provider's issuer URL (the iss of its access tokens).",
        "AUTH_AUDIENCE is not set, and production has no default for it; set it to this API's"
        " identifier at the identity provider (the aud of its access tokens).",
    ]


def test_production_refuses_an_http_issuer_such_as_the_development_one(problems):
    assert problems({**PRODUCTION, "AUTH_ISSUER": DEV_ISSUER}) == [
        "AUTH_ISSUER='http://issuer:9000' is not https; production takes tokens from an https"
        " issuer only (the development issuer is http)."
    ]


def test_the_auth_problems_follow_shallots_others(problems):
    found = problems({"APP_ENV": "production"})
    assert [problem.split(" ", 1)[0] for problem in found] == [
        "POSTGRES_PASSWORD",
        "SECRET_KEY",
        "AUTH_ISSUER",
        "AUTH_AUDIENCE",
    ]


def test_the_database_tools_need_no_issuer(load):
    variables = {"APP_ENV": "production", "POSTGRES_PASSWORD": "x"}
    assert load(variables, database_only=True).auth_issuer is None


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("none", "'none' accepts unsigned tokens; list signing algorithms among RS256,"),
        ("RS256,HS256", "HS256 is signed with a shared secret, which a service that only checks"),
        ("hs512", "hs512 is signed with a shared secret"),
        ("RS257", "'RS257' is not one of RS256, RS384"),
        (" , ", "list at least one algorithm, such as RS256"),
    ],
)
def test_algorithms_that_are_not_asymmetric_are_refused_by_name(problems, value, rule):
    (found,) = problems({"APP_ENV": "test", "AUTH_ALGORITHMS": value})
    assert found.startswith(f"AUTH_ALGORITHMS={value!r}: {rule}"), found


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AUTH_ISSUER", "issuer:9000"),
        ("AUTH_ISSUER", "ftp://issuer"),
        ("AUTH_LEEWAY", "-1"),
        ("AUTH_JWKS_MIN_REFRESH", "0"),
        ("AUTH_JWKS_TTL", "an hour"),
        ("AUTH_TIMEOUT", "0"),
    ],
)
def test_a_bad_value_is_one_problem_that_names_the_variable(problems, name, value):
    (found,) = problems({"APP_ENV": "test", name: value})
    assert found.startswith(f"{name}={value!r}: "), found


def test_every_problem_is_reported_at_once_with_shallots_own(problems):
    found = problems({"APP_ENV": "test", "DEBUG": "x", "AUTH_ALGORITHMS": "none"})
    assert sorted(problem.partition("=")[0] for problem in found) == ["AUTH_ALGORITHMS", "DEBUG"]


def test_the_verifier_is_built_from_the_settings(load):
    settings = load({**PRODUCTION, "AUTH_JWKS_MIN_REFRESH": "30", "AUTH_ALGORITHMS": "ES384"})
    verifier = TokenVerifier.from_settings(settings)
    assert (verifier.issuer, verifier.audience) == (PRODUCTION["AUTH_ISSUER"], "api://todos")
    assert verifier.algorithms == ("ES384",)
    assert isinstance(verifier.keys, IssuerKeys)
    assert (verifier.keys.min_refresh, verifier.keys.ttl, verifier.keys.timeout) == (30, 3600, 3)
    assert verifier.keys.discovery_url == (
        "https://login.example.com/tenant/v2.0/.well-known/openid-configuration"
    )
