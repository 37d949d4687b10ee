"""The one API every front end and job calls.

Front ends receive a :class:`Services` object from ``hypercare.wiring`` and call its
namespaced services (``services.sync.run_sync()``); they never touch Odoo or the
store directly. Services return read models (frozen dataclasses), never ORM rows.
"""

from hypercare.services.context import ServiceContext, Services
from hypercare.services.sync import CursorView, RunView, SyncService, SyncStatus
from hypercare.services.system import ConfigReport, ProbeLine, SystemService, UpgradeResult
from hypercare.services.tickets import (
    EventView,
    TicketDetail,
    TicketNotFoundError,
    TicketService,
    TicketView,
)
from hypercare.sync.runner import Progress, SyncReport

__all__ = [
    "ConfigReport",
    "CursorView",
    "EventView",
    "ProbeLine",
    "Progress",
    "RunView",
    "ServiceContext",
    "Services",
    "SyncReport",
    "SyncService",
    "SyncStatus",
    "SystemService",
    "TicketDetail",
    "TicketNotFoundError",
    "TicketService",
    "TicketView",
    "UpgradeResult",
]
