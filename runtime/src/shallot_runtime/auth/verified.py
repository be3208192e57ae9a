"""Tokens checked already, kept for their next requests: a client sends the same access token
with every request until it expires, and checking its signature again each time is most of
what a token costs a request.

A token is found by its whole text, signature included: another or a tampered token is never a
hit. An entry keeps the key that signed it, which the verifier asks its key source for again on
each hit (a lookup, no signature check): once the issuer has withdrawn that key, its tokens are
checked again, and refused. An entry lasts until the token's `exp`, and at most `max_age`
seconds; the oldest entries go first when there are `size` of them. One cache per process,
shared by its threads.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from shallot_runtime.auth.claims import Claims

DEFAULT_SIZE = 4096
DEFAULT_MAX_AGE = 300.0


class VerifiedTokens:
    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        max_age: float = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._entries: OrderedDict[str, tuple[Claims, str, float]] = OrderedDict()
        self._size, self._max_age, self._clock = size, max_age, clock
        self._lock = threading.Lock()

    def get(self, token: str) -> tuple[Claims, str] | None:
        """The claims of a token checked before and still good, and its key's id; else None."""
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            claims, kid, until = entry
            if self._clock() >= until:
                del self._entries[token]
                return None
            self._entries.move_to_end(token)
            return claims, kid

    def forget(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token, None)

    def keep(self, token: str, claims: Claims, kid: str) -> None:
        expires = claims.claims.get("exp")
        now = self._clock()
        until = now + self._max_age
        if isinstance(expires, int | float):
            until = min(until, float(expires))
        if until <= now or self._size <= 0:
            return
        with self._lock:
            self._entries[token] = (claims, kid, until)
            self._entries.move_to_end(token)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
