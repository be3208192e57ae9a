"""The keys that tokens are checked with, by their kid.

`IssuerKeys` discovers the issuer's JWKS (OpenID Connect Discovery), caches it, and fetches it
again after `ttl` seconds, or when a token names a kid it does not hold, so that a rotation
works. Fetches are at most one every `min_refresh` seconds, whatever the tokens name: a flood of
made-up kids costs the issuer one request per interval, and the service nothing more. (PyJWT's
own PyJWKClient fetches again on every unknown kid, which is why this is not it.) While the
issuer cannot be reached, the keys already fetched are kept, however old; without any,
`KeysUnavailable`. One lock per process: gunicorn's threads share one cache and one fetch.

`StaticKeys` holds a JWKS given to it: for tests, and an issuer in the same process.
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKSetError

from shallot_runtime.auth.errors import KeysUnavailable, UnknownKey
from shallot_runtime.auth.fetch import FetchError, get_json

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"

Fetch = Callable[[str, float], dict[str, Any]]  # (url, timeout) -> the JSON document


class KeySource(Protocol):
    def key(self, kid: str) -> PyJWK:
        """The key by that kid; UnknownKey if there is none, KeysUnavailable if none can be
        had right now."""
        ...


def signing_keys(jwks: dict[str, Any]) -> dict[str, PyJWK]:
    """The JWKS's public signing keys by kid: keys for encryption, without a kid, or
    symmetric (`oct`) are left out. ValueError if none is left."""
    try:
        key_set = PyJWKSet.from_dict(jwks)
    except PyJWKSetError as error:
        raise ValueError(f"the JWKS has no usable keys ({error})") from None
    keys = {
        key.key_id: key
        for key in key_set
        if key.key_id and key.public_key_use in (None, "sig") and key.key_type != "oct"
    }
    if not keys:
        raise ValueError("the JWKS has no public signing key with a kid")
    return keys


class StaticKeys:
    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = signing_keys(jwks)

    def key(self, kid: str) -> PyJWK:
        try:
            return self._keys[kid]
        except KeyError:
            raise UnknownKey(kid) from None


class IssuerKeys:
    def __init__(
        self,
        issuer: str,
        *,
        min_refresh: float = 60,
        ttl: float = 3600,
        timeout: float = 3,
        fetch: Fetch = get_json,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self.discovery_url = issuer.rstrip("/") + DISCOVERY_PATH
        self.min_refresh = min_refresh
        self.ttl = ttl
        self.timeout = timeout
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at: float | None = None  # the last fetch that worked
        self._attempted_at: float | None = None  # the last fetch, whether it worked or not
        self._failure: str | None = None  # why the last fetch did not work
        self._jwks_uri: str | None = None

    def key(self, kid: str) -> PyJWK:
        key, fetched_at = self._keys.get(kid), self._fetched_at
        if key is not None and fetched_at is not None and self._clock() - fetched_at < self.ttl:
            return key  # the common case: no lock
        with self._lock:
            return self._key_after_refresh(kid)

    def _key_after_refresh(self, kid: str) -> PyJWK:
        now = self._clock()
        fresh = self._fetched_at is not None and now - self._fetched_at < self.ttl
        may_fetch = self._attempted_at is None or now - self._attempted_at >= self.min_refresh
        if (not fresh or kid not in self._keys) and may_fetch:
            self._refresh(now)
        if kid in self._keys:
            return self._keys[kid]  # perhaps past its ttl, while the issuer cannot be reached
        if self._failure is not None:
            waited = now - (self._attempted_at or now)
            retry_after = max(1, math.ceil(self.min_refresh - waited))
            raise KeysUnavailable(self._failure, retry_after=retry_after)
        raise UnknownKey(kid)

    def _refresh(self, now: float) -> None:
        self._attempted_at = now
        try:
            if self._jwks_uri is None:
                self._jwks_uri = self._discover()
            self._keys = signing_keys(self._fetch(self._jwks_uri, self.timeout))
        except (FetchError, ValueError) as error:
            self._failure = f"the issuer's keys cannot be fetched: {error}"
            self._jwks_uri = None  # discover it again next time: it may have moved
            logger.warning("%s; %d keys kept", self._failure, len(self._keys))
            return
        self._fetched_at, self._failure = now, None
        logger.info("the issuer's keys fetched: %s", ", ".join(sorted(self._keys)))

    def _discover(self) -> str:
        document = self._fetch(self.discovery_url, self.timeout)
        if document.get("issuer") != self.issuer:
            raise ValueError(
                f"{self.discovery_url} names the issuer {document.get('issuer')!r},"
                f" not {self.issuer!r}"
            )
        jwks_uri = document.get("jwks_uri")
        schemes = ("https",) if urlsplit(self.issuer).scheme == "https" else ("http", "https")
        if not isinstance(jwks_uri, str) or urlsplit(jwks_uri).scheme not in schemes:
            raise ValueError(f"{self.discovery_url} has no {' or '.join(schemes)} jwks_uri")
        return jwks_uri
