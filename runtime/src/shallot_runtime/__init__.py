"""shallot's runtime: migrations in maintenance windows, and the database's availability.

The public surface: `Operations` (built once in a project's composition root) and its
`init_app(app, ...)` for Flask; `release_connection` for the project's unit of work,
`SystemClock` for its use cases and `integrity` for its repositories; the click commands in
`shallot_runtime.cli`; the Alembic environment in `shallot_runtime.alembic`; and stand-ins for
tests in `shallot_runtime.testing`.
"""

from importlib.metadata import PackageNotFoundError, version

from shallot_runtime.adapters.clock import SystemClock
from shallot_runtime.adapters.database.engine import end_session, release_connection
from shallot_runtime.domain.errors import InvalidWindow, MaintenanceError, WindowHeld
from shallot_runtime.domain.window import MaintenanceMode, MaintenanceWindow, Outcome
from shallot_runtime.operations import Operations
from shallot_runtime.services.ports import Readiness

try:
    __version__ = version("shallot-runtime")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "InvalidWindow",
    "MaintenanceError",
    "MaintenanceMode",
    "MaintenanceWindow",
    "Operations",
    "Outcome",
    "Readiness",
    "SystemClock",
    "WindowHeld",
    "__version__",
    "end_session",
    "release_connection",
]
