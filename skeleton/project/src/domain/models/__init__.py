from src.domain.models.maintenance import (
    MaintenanceMode,
    MaintenanceWindow,
    Outcome,
    WindowRecord,
)
from src.domain.models.todo import Todo

__all__ = ["MaintenanceMode", "MaintenanceWindow", "Outcome", "Todo", "WindowRecord"]
