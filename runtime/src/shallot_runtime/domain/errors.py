"""What the maintenance rules refuse, each said in one line (`str()`), ready for a terminal."""

from datetime import datetime


class MaintenanceError(Exception):
    """A window that cannot be opened as asked."""


class InvalidWindow(MaintenanceError):
    """A value breaks a rule of windows; `field` names the value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class WindowHeld(MaintenanceError):
    """Another window is open: only one at a time."""

    def __init__(self, holder: str, expires_at: datetime) -> None:
        super().__init__(
            f"A maintenance window held by {holder} is open until {expires_at.isoformat()};"
            " wait for it to end, or close it with `manage.py maintenance off`."
        )
        self.holder = holder
        self.expires_at = expires_at
