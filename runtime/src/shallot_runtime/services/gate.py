"""Which requests the maintenance window refuses, decided per request from the cached window."""

from datetime import datetime

from shallot_runtime.domain.window import MaintenanceWindow
from shallot_runtime.services.ports import Clock, MaintenanceWindows, Readiness, ReadinessProbe


class MaintenanceGate:
    def __init__(self, windows: MaintenanceWindows, clock: Clock) -> None:
        self._windows = windows
        self._clock = clock

    def now(self) -> datetime:
        return self._clock.now()

    def active(self) -> MaintenanceWindow | None:
        """The open window, if any; one whose lease ran out is over even if nobody closed it."""
        window = self._windows.current()
        return window if window is not None and window.is_open(self._clock.now()) else None

    def refusing(self, method: str) -> MaintenanceWindow | None:
        """The window that refuses a request with this method, or None to serve it."""
        window = self.active()
        return window if window is not None and window.refuses(method) else None


class ReadinessWithMaintenance:
    """Readiness as the probe sees it, with the window: a full window makes the instance unready."""

    def __init__(self, probe: ReadinessProbe, gate: MaintenanceGate) -> None:
        self._probe = probe
        self._gate = gate

    def check(self) -> Readiness:
        readiness = self._probe.check()
        window = self._gate.active()
        checks = {**readiness.checks, "maintenance": window.mode.value if window else "off"}
        ready = readiness.ready and (window is None or window.keeps_ready)
        return Readiness(ready=ready, checks=checks, maintenance=window)
