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
    "RaiseRequest": "hypercare.services.raising",
    "RaiseService": "hypercare.services.raising",
    "RaisedView": "hypercare.services.raising",
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
    "SlaService": "hypercare.services.sla",
    "SweepReport": "hypercare.services.sla",
    "OutboxView": "hypercare.services.notifications",
    "Agenda": "hypercare.triage.standup",
    "AgendaItem": "hypercare.triage.standup",
    "StandupView": "hypercare.services.standup",
    "KnownIssueView": "hypercare.services.known_issues",
    "Suggestion": "hypercare.services.known_issues",
    "BroadcastView": "hypercare.services.known_issues",
    "KNOWN_ISSUE_STATUSES": "hypercare.services.known_issues",
    "BACKLOG_STATUSES": "hypercare.services.decisions",
    "BACKLOG_TYPES": "hypercare.services.decisions",
    "DecisionRecordView": "hypercare.services.decisions",
    "BacklogView": "hypercare.services.decisions",
    "KpiBoard": "hypercare.kpi.model",
    "KpiValue": "hypercare.kpi.model",
    "Readiness": "hypercare.kpi.exit",
    "WatchView": "hypercare.services.kpis",
    "AdoptionReport": "hypercare.services.kpis",
    "Progress": "hypercare.sync.runner",
    "SyncReport": "hypercare.sync.runner",
    "Classification": "hypercare.triage.classifier",
    "TicketText": "hypercare.triage.classifier",
    "ClassScore": "hypercare.triage.evaluation",
    "Evaluation": "hypercare.triage.evaluation",
    "Severity": "hypercare.triage.severity",
    "QueueRow": "hypercare.services.queue",
    "QueueFilter": "hypercare.services.queue",
    "QueueCounts": "hypercare.services.queue",
    "QueueService": "hypercare.services.queue",
    "SORTS": "hypercare.services.queue",
    "filter_rows": "hypercare.services.queue",
    "count_rows": "hypercare.services.queue",
    "facets": "hypercare.services.queue",
    "KpiTile": "hypercare.services.dashboard",
    "Dashboard": "hypercare.services.dashboard",
    "DashboardService": "hypercare.services.dashboard",
    "EscalationView": "hypercare.services.escalation_views",
    "ChatterView": "hypercare.services.tickets",
    "RunbookView": "hypercare.services.runbooks",
    "RunbookService": "hypercare.services.runbooks",
    "RunbookNotFoundError": "hypercare.services.runbooks",
    "ThreadService": "hypercare.services.threads",
    "ThreadUpdate": "hypercare.services.threads",
    "ThreadEntry": "hypercare.services.threads",
    "NoteOutcome": "hypercare.services.threads",
}

__all__ = [
    "BACKLOG_STATUSES",
    "BACKLOG_TYPES",
    "KNOWN_ISSUE_STATUSES",
    "SORTS",
    "AdoptionReport",
    "Agenda",
    "AgendaItem",
    "BacklogView",
    "BroadcastView",
    "ChatterView",
    "ClassScore",
    "Classification",
    "ConfigReport",
    "CursorView",
    "Dashboard",
    "DashboardService",
    "DecisionRecordView",
    "DecisionView",
    "EscalationView",
    "Evaluation",
    "EventView",
    "KnownIssueView",
    "KpiBoard",
    "KpiTile",
    "KpiValue",
    "NoteOutcome",
    "OutboxView",
    "ProbeLine",
    "Progress",
    "QueueCounts",
    "QueueFilter",
    "QueueRow",
    "QueueService",
    "RaiseRequest",
    "RaiseService",
    "RaisedView",
    "Readiness",
    "RetrainReport",
    "RunView",
    "RunbookNotFoundError",
    "RunbookService",
    "RunbookView",
    "ServiceContext",
    "Services",
    "Severity",
    "SlaService",
    "StandupView",
    "Suggestion",
    "SweepReport",
    "SyncReport",
    "SyncService",
    "SyncStatus",
    "SystemService",
    "ThreadEntry",
    "ThreadService",
    "ThreadUpdate",
    "TicketDetail",
    "TicketNotFoundError",
    "TicketService",
    "TicketText",
    "TicketView",
    "TriageService",
    "UpgradeResult",
    "WatchView",
    "count_rows",
    "facets",
    "filter_rows",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'hypercare.services' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from hypercare.kpi.exit import Readiness as Readiness
    from hypercare.kpi.model import KpiBoard as KpiBoard
    from hypercare.kpi.model import KpiValue as KpiValue
    from hypercare.services.context import ServiceContext as ServiceContext
    from hypercare.services.context import Services as Services
    from hypercare.services.dashboard import Dashboard as Dashboard
    from hypercare.services.dashboard import DashboardService as DashboardService
    from hypercare.services.dashboard import KpiTile as KpiTile
    from hypercare.services.decisions import BACKLOG_STATUSES as BACKLOG_STATUSES
    from hypercare.services.decisions import BACKLOG_TYPES as BACKLOG_TYPES
    from hypercare.services.decisions import BacklogView as BacklogView
    from hypercare.services.decisions import DecisionRecordView as DecisionRecordView
    from hypercare.services.escalation_views import EscalationView as EscalationView
    from hypercare.services.known_issues import KNOWN_ISSUE_STATUSES as KNOWN_ISSUE_STATUSES
    from hypercare.services.known_issues import BroadcastView as BroadcastView
    from hypercare.services.known_issues import KnownIssueView as KnownIssueView
    from hypercare.services.known_issues import Suggestion as Suggestion
    from hypercare.services.kpis import AdoptionReport as AdoptionReport
    from hypercare.services.kpis import WatchView as WatchView
    from hypercare.services.notifications import OutboxView as OutboxView
    from hypercare.services.queue import SORTS as SORTS
    from hypercare.services.queue import QueueCounts as QueueCounts
    from hypercare.services.queue import QueueFilter as QueueFilter
    from hypercare.services.queue import QueueRow as QueueRow
    from hypercare.services.queue import QueueService as QueueService
    from hypercare.services.queue import count_rows as count_rows
    from hypercare.services.queue import facets as facets
    from hypercare.services.queue import filter_rows as filter_rows
    from hypercare.services.raising import RaisedView as RaisedView
    from hypercare.services.raising import RaiseRequest as RaiseRequest
    from hypercare.services.raising import RaiseService as RaiseService
    from hypercare.services.runbooks import RunbookNotFoundError as RunbookNotFoundError
    from hypercare.services.runbooks import RunbookService as RunbookService
    from hypercare.services.runbooks import RunbookView as RunbookView
    from hypercare.services.sla import SlaService as SlaService
    from hypercare.services.sla import SweepReport as SweepReport
    from hypercare.services.standup import StandupView as StandupView
    from hypercare.services.sync import CursorView as CursorView
    from hypercare.services.sync import RunView as RunView
    from hypercare.services.sync import SyncService as SyncService
    from hypercare.services.sync import SyncStatus as SyncStatus
    from hypercare.services.system import ConfigReport as ConfigReport
    from hypercare.services.system import ProbeLine as ProbeLine
    from hypercare.services.system import SystemService as SystemService
    from hypercare.services.system import UpgradeResult as UpgradeResult
    from hypercare.services.threads import NoteOutcome as NoteOutcome
    from hypercare.services.threads import ThreadEntry as ThreadEntry
    from hypercare.services.threads import ThreadService as ThreadService
    from hypercare.services.threads import ThreadUpdate as ThreadUpdate
    from hypercare.services.tickets import ChatterView as ChatterView
    from hypercare.services.tickets import EventView as EventView
    from hypercare.services.tickets import TicketDetail as TicketDetail
    from hypercare.services.tickets import TicketNotFoundError as TicketNotFoundError
    from hypercare.services.tickets import TicketService as TicketService
    from hypercare.services.tickets import TicketView as TicketView
    from hypercare.services.triage import DecisionView as DecisionView
    from hypercare.services.triage import RetrainReport as RetrainReport
    from hypercare.services.triage import TriageService as TriageService
    from hypercare.sync.runner import Progress as Progress
    from hypercare.sync.runner import SyncReport as SyncReport
    from hypercare.triage.classifier import Classification as Classification
    from hypercare.triage.classifier import TicketText as TicketText
    from hypercare.triage.evaluation import ClassScore as ClassScore
    from hypercare.triage.evaluation import Evaluation as Evaluation
    from hypercare.triage.severity import Severity as Severity
    from hypercare.triage.standup import Agenda as Agenda
    from hypercare.triage.standup import AgendaItem as AgendaItem
