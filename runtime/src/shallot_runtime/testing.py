"""Stand-ins for a project's unit tests: `Operations` with a window and a readiness that the
test sets, and no database behind them; a token verifier that fetches no keys.

    windows = FixedWindows()
    operations = stand_in_operations(windows=windows, clock=clock)
    windows.window = MaintenanceWindow.open(mode="read-only", ...)   # the gate now refuses writes

    issuer = DevelopmentIssuer.in_memory()
    verifier = stand_in_verifier(issuer)                              # for web.init_app
    headers = {"Authorization": f"Bearer {issuer.token(scopes=['todos:read'])}"}

And for its integration tests, an issuer served over HTTP, which the app's real verifier
(AUTH_ISSUER=issuer.issuer) discovers as it would an identity provider:

    issuer = served_issuer()                                          # on 127.0.0.1, a free port
"""

import threading
from pathlib import Path

from shallot_runtime.auth import (
    DEV_AUDIENCE,
    DevelopmentIssuer,
    StaticKeys,
    TokenVerifier,
)
from shallot_runtime.auth.server import IssuerServer
from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.operations import Operations
from shallot_runtime.services.ports import Clock, Readiness

UNREACHABLE_URL = "postgresql+psycopg2://stand-in@127.0.0.1:9/none"  # never connected to


class FixedWindows:
    """The cached window, as a test sets it."""

    def __init__(self, window: MaintenanceWindow | None = None) -> None:
        self.window = window

    def current(self) -> MaintenanceWindow | None:
        return self.window


class FixedReadiness:
    """The database's readiness, as a test sets it."""

    def __init__(self, ready: bool = True) -> None:
        self.ready = ready

    def check(self) -> Readiness:
        if self.ready:
            return Readiness(ready=True, checks={"database": "ok", "migrations": "ok"})
        return Readiness(ready=False, checks={"database": "unreachable"})


def stand_in_operations(
    windows: FixedWindows | None = None,
    readiness: FixedReadiness | None = None,
    clock: Clock | None = None,
    project_root: Path | str = ".",
) -> Operations:
    return Operations(
        UNREACHABLE_URL,
        project_root=project_root,
        clock=clock,
        windows=windows or FixedWindows(),
        readiness=readiness or FixedReadiness(),
    )


def stand_in_verifier(issuer: DevelopmentIssuer, audience: str = DEV_AUDIENCE) -> TokenVerifier:
    """A verifier of `issuer`'s tokens, with its keys in hand: no issuer is fetched from."""
    return TokenVerifier(StaticKeys(issuer.jwks()), issuer=issuer.issuer, audience=audience)


def served_issuer() -> DevelopmentIssuer:
    """A development issuer of a new key, served on 127.0.0.1 (a free port) by a daemon thread
    for as long as the process runs; its `issuer` is its URL."""
    server = IssuerServer(("127.0.0.1", 0), DevelopmentIssuer.in_memory())
    server.issuer = DevelopmentIssuer.in_memory(f"http://127.0.0.1:{server.server_port}")
    threading.Thread(target=server.serve_forever, name="served-issuer", daemon=True).start()
    return server.issuer
