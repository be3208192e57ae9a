"""IssuerKeys: the issuer's keys discovered, cached, fetched again after their ttl or for a kid
they do not hold, at most once per min_refresh, and kept while the issuer is out of reach."""

import pytest

from shallot_runtime.auth import DevelopmentIssuer, IssuerKeys, KeysUnavailable, UnknownKey
from shallot_runtime.auth.fetch import FetchError

ISSUER = "https://login.example.com/tenant"
DISCOVERY = ISSUER + "/.well-known/openid-configuration"
JWKS = "https://keys.example.com/tenant/jwks.json"


class FakeIssuer:
    """The issuer's two documents, served from memory; what was fetched, in order."""

    def __init__(self) -> None:
        self.signer = DevelopmentIssuer.in_memory(ISSUER)
        self.discovery = {"issuer": ISSUER, "jwks_uri": JWKS}
        self.fetched: list[str] = []
        self.down = False

    def fetch(self, url: str, timeout: float) -> dict:
        self.fetched.append(url)
        if self.down:
            raise FetchError(f"{url}: [Errno 111] Connection refused")
        return {DISCOVERY: self.discovery, JWKS: self.signer.jwks()}[url]

    def rotate(self) -> None:
        self.signer = DevelopmentIssuer.in_memory(ISSUER)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def issuer():
    return FakeIssuer()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def keys(issuer, clock):
    return IssuerKeys(ISSUER, min_refresh=60, ttl=3600, fetch=issuer.fetch, clock=clock)


def test_the_first_key_discovers_the_jwks_and_then_it_is_cached(keys, issuer):
    assert keys.key(issuer.signer.kid).key_id == issuer.signer.kid
    assert keys.key(issuer.signer.kid).algorithm_name == "ES256"
    assert issuer.fetched == [DISCOVERY, JWKS]


def test_a_rotated_key_is_fetched_once_the_interval_has_passed(keys, issuer, clock):
    old = issuer.signer.kid
    keys.key(old)
    issuer.rotate()
    clock.now += 60
    assert keys.key(issuer.signer.kid).key_id == issuer.signer.kid
    assert issuer.fetched == [DISCOVERY, JWKS, JWKS]  # the jwks_uri is remembered
    with pytest.raises(UnknownKey):
        keys.key(old)  # gone from the issuer, gone from the cache


def test_unknown_kids_fetch_at_most_once_per_interval(keys, issuer, clock):
    keys.key(issuer.signer.kid)
    clock.now += 60
    for number in range(50):
        with pytest.raises(UnknownKey):
            keys.key(f"made-up-{number}")
        clock.now += 1  # 50 seconds in all: within one interval
    assert issuer.fetched.count(JWKS) == 2
    clock.now += 10
    with pytest.raises(UnknownKey):
        keys.key("made-up-again")
    assert issuer.fetched.count(JWKS) == 3


def test_the_keys_are_fetched_again_after_their_ttl(keys, issuer, clock):
    keys.key(issuer.signer.kid)
    clock.now += 3599
    keys.key(issuer.signer.kid)
    assert issuer.fetched.count(JWKS) == 1
    clock.now += 1
    keys.key(issuer.signer.kid)
    assert issuer.fetched.count(JWKS) == 2


def test_an_issuer_out_of_reach_from_the_start_is_unavailable_with_retry_after(keys, issuer, clock):
    issuer.down = True
    with pytest.raises(KeysUnavailable) as unavailable:
        keys.key("any")
    assert "Connection refused" in unavailable.value.reason
    assert unavailable.value.retry_after == 60
    clock.now += 45
    with pytest.raises(KeysUnavailable) as unavailable:
        keys.key("any")
    assert unavailable.value.retry_after == 15
    assert issuer.fetched == [DISCOVERY]  # not asked again within the interval
    issuer.down = False
    clock.now += 15
    assert keys.key(issuer.signer.kid)


def test_keys_past_their_ttl_are_kept_while_the_issuer_is_out_of_reach(keys, issuer, clock):
    kid = issuer.signer.kid
    keys.key(kid)
    issuer.down = True
    clock.now += 7200
    assert keys.key(kid).key_id == kid
    with pytest.raises(KeysUnavailable):
        keys.key("a-new-kid")  # it may be a rotation: not the caller's fault


def test_the_discovery_document_must_name_the_issuer_configured(keys, issuer):
    issuer.discovery = {"issuer": "https://evil.example", "jwks_uri": JWKS}
    with pytest.raises(KeysUnavailable) as unavailable:
        keys.key(issuer.signer.kid)
    assert "names the issuer 'https://evil.example', not" in unavailable.value.reason


@pytest.mark.parametrize("jwks_uri", [None, "http://keys.example.com/jwks.json", "file:///etc"])
def test_an_https_issuer_takes_its_keys_over_https_only(keys, issuer, jwks_uri):
    issuer.discovery = {"issuer": ISSUER, "jwks_uri": jwks_uri}
    with pytest.raises(KeysUnavailable) as unavailable:
        keys.key(issuer.signer.kid)
    assert unavailable.value.reason.endswith("has no https jwks_uri")


def test_the_discovery_url_drops_a_trailing_slash_of_the_issuer(issuer):
    keys = IssuerKeys("https://tenant.example.com/", fetch=issuer.fetch)
    assert keys.discovery_url == "https://tenant.example.com/.well-known/openid-configuration"
