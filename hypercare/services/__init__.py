"""The one API every front end and job calls.

Front ends receive a :class:`Services` object from ``hypercare.wiring`` and call its
namespaced services (``services.sync.run_sync()``); they never touch Odoo or the
store directly. Services return read models (frozen dataclasses), never ORM rows.

Names are imported on first use (PEP 562), so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    "ServiceContext": "hypercare.services.context",
    "Services": "hypercare.services.context",
    "CursorView": "hypercare.services.sync",
    "RunView": "hypercare.services.sync",
    "SyncService": "hypercare.services.sync",
    "SyncStatus": "hypercare.services.sync",
    "ConfigReport": "hypercare.services.system",
    "ProbeLine": "hypercare.services.system",
    "SystemService": "hypercare.services.system",
    "UpgradeResult": "hypercare.services.system",
    "EventView": "hypercare.services.tickets",
    "TicketDetail": "hypercare.services.tickets",
    "TicketNotFoundError": "hypercare.services.tickets",
    "TicketService": "hypercare.services.tickets",
    "TicketView": "hypercare.services.tickets",
    "DecisionView": "hypercare.services.triage",
    "RetrainReport": "hypercare.services.triage",
    "TriageService": "hypercare.services.triage",
    "Progress": "hypercare.sync.runner",
    "SyncReport": "hypercare.sync.runner",
    "Classification": "hypercare.triage.classifier",
    "TicketText": "hypercare.triage.classifier",
    "ClassScore": "hypercare.triage.evaluation",
    "Evaluation": "hypercare.triage.evaluation",
    "Severity": "hypercare.triage.severity",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'hypercare.services' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from hypercare.services.context import ServiceContext, Services
    from hypercare.services.sync import CursorView, RunView, SyncService, SyncStatus
    from hypercare.services.system import (
        ConfigReport,
        ProbeLine,
        SystemService,
        UpgradeResult,
    )
    from hypercare.services.tickets import (
        EventView,
        TicketDetail,
        TicketNotFoundError,
        TicketService,
        TicketView,
    )
    from hypercare.services.triage import DecisionView, RetrainReport, TriageService
    from hypercare.sync.runner import Progress, SyncReport
    from hypercare.triage.classifier import Classification, TicketText
    from hypercare.triage.evaluation import ClassScore, Evaluation
    from hypercare.triage.severity import Severity
