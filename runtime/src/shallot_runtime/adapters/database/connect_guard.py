"""Connecting within the configured time, and not at all while the database is known to be away.

libpq's connect_timeout bounds the connection but not the host name lookup before it, and a
lookup whose answer is lost waits for the resolver's own timeout (5 s with glibc, then again per
attempt): that is what a stopped compose service looks like from its neighbours. So the guard
looks the name up itself, within the same limit, and gives libpq the address as `hostaddr`
(`host` still names the server, for passwords and TLS).

After a failed attempt, every attempt in the next `cooldown` fails at once, without trying: a
request then gets its 503 in microseconds instead of waiting on a database known to be down, and
a database that comes back is not met by a stampede. The first attempt after the cooldown tries.
"""

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg2
from sqlalchemy import Engine, event

DEFAULT_COOLDOWN_SECONDS = 1.0

Resolve = Callable[[str, Any], list]


class ConnectGuard:
    def __init__(
        self,
        timeout_seconds: float,
        cooldown_seconds: float = DEFAULT_COOLDOWN_SECONDS,
        resolve: Resolve = socket.getaddrinfo,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._timeout = timeout_seconds
        self._cooldown = cooldown_seconds
        self._resolve = resolve
        self._monotonic = monotonic
        self._failed_at: float | None = None

    def install(self, engine: Engine) -> None:
        event.listen(engine, "do_connect", self.connect)

    def connect(self, dialect: Any, _record: Any, cargs: list, cparams: dict) -> Any:
        """SQLAlchemy's do_connect hook: returns the DBAPI connection it made."""
        failed_at = self._failed_at
        if failed_at is not None:
            waited = self._monotonic() - failed_at
            if waited < self._cooldown:
                raise psycopg2.OperationalError(
                    f"not connecting: an attempt {waited:.2f}s ago failed;"
                    f" the next one is in {self._cooldown - waited:.2f}s"
                )
        try:
            connection = dialect.connect(*cargs, **self._with_address(cparams))
        except Exception:
            self._failed_at = self._monotonic()
            raise
        self._failed_at = None
        return connection

    def _with_address(self, cparams: dict) -> dict:
        host = cparams.get("host")
        if not _is_host_name(host) or cparams.get("hostaddr"):
            return cparams
        return {**cparams, "hostaddr": self._lookup(host, cparams.get("port"))}

    def _lookup(self, host: str, port: Any) -> str:
        """The host's first address, or OperationalError if none comes within the timeout."""
        found: dict[str, Any] = {}

        def resolve() -> None:
            try:
                found["address"] = self._resolve(host, port, type=socket.SOCK_STREAM)[0][4][0]
            except OSError as error:
                found["error"] = error

        # A daemon thread: a lookup that never answers is left behind, not waited for.
        lookup = threading.Thread(target=resolve, name="database-host-lookup", daemon=True)
        lookup.start()
        lookup.join(self._timeout)
        if "address" in found:
            return found["address"]
        reason = found.get("error") or f"no answer within {self._timeout:g}s"
        raise psycopg2.OperationalError(f'could not look up host name "{host}": {reason}')


def _is_host_name(host: object) -> bool:
    """A single host name: not empty, not a socket folder, not several hosts, not an address."""
    if not isinstance(host, str) or not host or host.startswith("/") or "," in host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False
