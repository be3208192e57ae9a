"""A token checked once is taken again without its signature checked again: until it expires,
for at most max_age, while its key is still the issuer's; a tampered token is never a hit."""

import time
from datetime import timedelta

import pytest

from shallot_runtime.auth import (
    DEV_AUDIENCE,
    DEV_ISSUER,
    DevelopmentIssuer,
    InvalidToken,
    StaticKeys,
)
from shallot_runtime.auth.errors import UnknownKey
from shallot_runtime.auth.verified import VerifiedTokens
from shallot_runtime.auth.verifier import TokenVerifier


class CountingKeys:
    """The issuer's keys, counting the lookups; `withdrawn` takes the key away."""

    def __init__(self, issuer: DevelopmentIssuer) -> None:
        self.keys = StaticKeys(issuer.jwks())
        self.lookups = 0
        self.withdrawn = False

    def key(self, kid: str):
        self.lookups += 1
        if self.withdrawn:
            raise UnknownKey(kid)
        return self.keys.key(kid)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def issuer():
    return DevelopmentIssuer.in_memory()


def verifier_of(keys, clock, **options) -> TokenVerifier:
    return TokenVerifier(keys, issuer=DEV_ISSUER, audience=DEV_AUDIENCE,
                         verified=VerifiedTokens(clock=clock, **options))  # fmt: skip


def test_a_token_checked_once_is_taken_again_without_checking_its_signature(issuer, monkeypatch):
    keys, clock = CountingKeys(issuer), Clock(time.time())
    verifier = verifier_of(keys, clock)
    token = issuer.token("alice", ["todos:read"])
    first = verifier.verify(token)
    monkeypatch.setattr("jwt.decode", lambda *a, **k: pytest.fail("checked the signature again"))
    assert verifier.verify(token) is first
    assert keys.lookups == 2, "the key is still asked for: a withdrawn key ends the entry"


def test_a_tampered_token_is_never_taken_from_the_cache(issuer):
    verifier = verifier_of(CountingKeys(issuer), Clock(time.time()))
    token = issuer.token("alice", ["todos:read"])
    verifier.verify(token)
    header, payload, signature = token.split(".")
    with pytest.raises(InvalidToken):
        verifier.verify(f"{header}.{payload}.{signature[:-4]}AAAA")


def test_an_entry_ends_when_the_token_expires_or_after_max_age(issuer):
    now = time.time()
    clock = Clock(now)
    cache = VerifiedTokens(clock=clock, max_age=300)
    verifier = TokenVerifier(
        CountingKeys(issuer), issuer=DEV_ISSUER, audience=DEV_AUDIENCE, verified=cache
    )
    short = issuer.token("alice", ttl=timedelta(seconds=60))
    long = issuer.token("bob", ttl=timedelta(hours=1))
    verifier.verify(short), verifier.verify(long)
    clock.now = now + 61
    assert cache.get(short) is None and cache.get(long) is not None
    clock.now = now + 301
    assert cache.get(long) is None


def test_a_withdrawn_key_ends_its_tokens_entries_and_they_are_refused(issuer):
    keys = CountingKeys(issuer)
    verifier = verifier_of(keys, Clock(time.time()))
    token = issuer.token("alice")
    verifier.verify(token)
    keys.withdrawn = True
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_the_cache_keeps_the_newest_size_entries(issuer):
    cache = VerifiedTokens(size=2, clock=Clock(time.time()))
    verifier = TokenVerifier(
        CountingKeys(issuer), issuer=DEV_ISSUER, audience=DEV_AUDIENCE, verified=cache
    )
    tokens = [issuer.token(f"user-{n}") for n in range(3)]
    for token in tokens:
        verifier.verify(token)
    assert [cache.get(token) is not None for token in tokens] == [False, True, True]
