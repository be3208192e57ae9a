"""One PostgreSQL container for the whole test run, started on first use, stopped at exit.

POSTGRES_IMAGE picks the image (default postgres:15-bookworm). Ryuk is not needed: the
container is removed at interpreter exit.

Where to connect depends on where the tests run:
  - TESTCONTAINERS_HOST_OVERRIDE (or TC_HOST) set: that host, at the published port;
  - on the Docker host itself: what testcontainers says (localhost, or DOCKER_HOST's host);
  - inside a container (/.dockerenv) that talks to the host's Docker through its socket: the
    first that answers of the PostgreSQL container's own address (shared network), its
    network's gateway or ours (the Docker host, at the published port), host.docker.internal.
"""

import atexit
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, create_engine, text

# No Ryuk (its image may not be pullable here): the container is removed at exit instead.
os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
from testcontainers.community.postgres import PostgresContainer

POSTGRES_IMAGE = os.environ.get("POSTGRES_IMAGE", "postgres:15-bookworm")
USER = PASSWORD = DATABASE = "test"
PORT = 5432
FAST_AND_UNSAFE = "postgres -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


@dataclass(frozen=True)
class RunningPostgres:
    host: str
    port: int

    def url(self, database: str = DATABASE) -> URL:
        return URL.create(
            "postgresql+psycopg2",
            username=USER,
            password=PASSWORD,
            host=self.host,
            port=self.port,
            database=database,
        )

    def url_text(self, database: str = DATABASE) -> str:
        """The URL as a string, password included, for DATABASE_URL."""
        return self.url(database).render_as_string(hide_password=False)

    def create_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, *statements: str) -> None:
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()


_running: RunningPostgres | None = None


def shared_postgres() -> RunningPostgres:
    """The run's PostgreSQL, started by the first caller."""
    global _running
    if _running is None:
        container = PostgresContainer(
            POSTGRES_IMAGE, username=USER, password=PASSWORD, dbname=DATABASE
        )
        container.with_command(FAST_AND_UNSAFE).with_tmpfs_mount("/var/lib/postgresql/data")
        atexit.register(container.stop)  # registered first: a failed start is cleaned up too
        container.start()
        _running = RunningPostgres(*_address(container))
    return _running


def _address(container: PostgresContainer) -> tuple[str, int]:
    wrapped = container.get_wrapped_container()
    wrapped.reload()
    settings = wrapped.attrs["NetworkSettings"]
    published = int(settings["Ports"][f"{PORT}/tcp"][0]["HostPort"])
    override = os.environ.get("TESTCONTAINERS_HOST_OVERRIDE") or os.environ.get("TC_HOST")
    if override:
        return override, published
    if not Path("/.dockerenv").exists():
        return container.get_container_host_ip(), published
    networks = settings["Networks"].values()
    candidates = [(n["IPAddress"], PORT) for n in networks if n.get("IPAddress")]
    candidates += [(n["Gateway"], published) for n in networks if n.get("Gateway")]
    candidates += [(gateway, published) for gateway in [_our_default_gateway()] if gateway]
    candidates.append(("host.docker.internal", published))
    for host, port in candidates:
        if _answers(host, port):
            return host, port
    raise RuntimeError(
        f"cannot reach the PostgreSQL container from this container (tried {candidates});"
        " set TESTCONTAINERS_HOST_OVERRIDE to an address of the Docker host that reaches it"
    )


def _our_default_gateway() -> str | None:
    try:
        lines = Path("/proc/net/route").read_text().splitlines()[1:]
    except OSError:
        return None
    for fields in (line.split() for line in lines):
        if len(fields) > 2 and fields[1] == "00000000":
            return socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
    return None


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
