"""The one API every front end and job calls.

Front ends receive a :class:`Services` facade from ``hypercare.wiring`` and call its
namespaced services (``services.sync.run_sync()``); they never touch Odoo or the
store directly. Services return read models (frozen dataclasses), never ORM rows.

The public names are declared once, in the ``TYPE_CHECKING`` block below: type checkers
read it as it is, and at run time each name is imported from the module it names on
first use (PEP 562), so importing this package stays cheap and loads no service.
"""

from __future__ import annotations

import ast
import importlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypercare.errors import TicketNotFoundError as TicketNotFoundError
    from hypercare.kpi.exit import Readiness as Readiness
    from hypercare.kpi.model import KpiBoard as KpiBoard
    from hypercare.kpi.model import KpiValue as KpiValue
    from hypercare.services.access import AUDIENCE as AUDIENCE
    from hypercare.services.access import MASKED_TEXT as MASKED_TEXT
    from hypercare.services.access import MASKED_TITLE as MASKED_TITLE
    from hypercare.services.access import RULES as RULES
    from hypercare.services.access import SYSTEM as SYSTEM
    from hypercare.services.access import Access as Access
    from hypercare.services.access import Directory as Directory
    from hypercare.services.access import Viewer as Viewer
    from hypercare.services.context import ServiceContext as ServiceContext
    from hypercare.services.facade import Services as Services
    from hypercare.services.intake.affected import AffectedSummary as AffectedSummary
    from hypercare.services.intake.affected import HeldReply as HeldReply
    from hypercare.services.intake.raising import RaisedView as RaisedView
    from hypercare.services.intake.raising import RaiseRequest as RaiseRequest
    from hypercare.services.intake.raising import RaiseService as RaiseService
    from hypercare.services.intake.threads import NoteOutcome as NoteOutcome
    from hypercare.services.intake.threads import ThreadEntry as ThreadEntry
    from hypercare.services.intake.threads import ThreadService as ThreadService
    from hypercare.services.intake.threads import ThreadUpdate as ThreadUpdate
    from hypercare.services.kpi.dashboard import Dashboard as Dashboard
    from hypercare.services.kpi.dashboard import DashboardService as DashboardService
    from hypercare.services.kpi.dashboard import KpiTile as KpiTile
    from hypercare.services.kpi.service import AdoptionReport as AdoptionReport
    from hypercare.services.kpi.service import WatchView as WatchView
    from hypercare.services.outbox.notifications import OutboxView as OutboxView
    from hypercare.services.problems.backlog import BACKLOG_STATUSES as BACKLOG_STATUSES
    from hypercare.services.problems.backlog import BACKLOG_TYPES as BACKLOG_TYPES
    from hypercare.services.problems.backlog import BacklogView as BacklogView
    from hypercare.services.problems.decisions import DecisionRecordView as DecisionRecordView
    from hypercare.services.problems.known_issues import (
        KNOWN_ISSUE_STATUSES as KNOWN_ISSUE_STATUSES,
    )
    from hypercare.services.problems.known_issues import BroadcastView as BroadcastView
    from hypercare.services.problems.known_issues import KnownIssueView as KnownIssueView
    from hypercare.services.problems.known_issues import Suggestion as Suggestion
    from hypercare.services.standup.card import CardAction as CardAction
    from hypercare.services.standup.card import CardReply as CardReply
    from hypercare.services.standup.card import StandupCard as StandupCard
    from hypercare.services.standup.meeting import StandupView as StandupView
    from hypercare.services.system.runbooks import RunbookNotFoundError as RunbookNotFoundError
    from hypercare.services.system.runbooks import RunbookService as RunbookService
    from hypercare.services.system.runbooks import RunbookView as RunbookView
    from hypercare.services.system.setup import ConfigReport as ConfigReport
    from hypercare.services.system.setup import ProbeLine as ProbeLine
    from hypercare.services.system.setup import SystemService as SystemService
    from hypercare.services.system.setup import UpgradeResult as UpgradeResult
    from hypercare.services.system.sync import CursorView as CursorView
    from hypercare.services.system.sync import RunView as RunView
    from hypercare.services.system.sync import SyncService as SyncService
    from hypercare.services.system.sync import SyncStatus as SyncStatus
    from hypercare.services.tickets.queue import SORTS as SORTS
    from hypercare.services.tickets.queue import QueueCounts as QueueCounts
    from hypercare.services.tickets.queue import QueueFilter as QueueFilter
    from hypercare.services.tickets.queue import QueueService as QueueService
    from hypercare.services.tickets.queue import count_rows as count_rows
    from hypercare.services.tickets.queue import facets as facets
    from hypercare.services.tickets.queue import filter_rows as filter_rows
    from hypercare.services.tickets.queue_row import QueueRow as QueueRow
    from hypercare.services.tickets.service import TicketService as TicketService
    from hypercare.services.tickets.views import ChatterView as ChatterView
    from hypercare.services.tickets.views import EventView as EventView
    from hypercare.services.tickets.views import TicketDetail as TicketDetail
    from hypercare.services.tickets.views import TicketView as TicketView
    from hypercare.services.triage.classification import DecisionView as DecisionView
    from hypercare.services.triage.classification import RetrainReport as RetrainReport
    from hypercare.services.triage.classification import TriageService as TriageService
    from hypercare.services.triage.escalation_views import (
        BASELINE_MEANING as BASELINE_MEANING,
    )
    from hypercare.services.triage.escalation_views import EscalationView as EscalationView
    from hypercare.services.triage.sla import SlaService as SlaService
    from hypercare.services.triage.sla import SweepReport as SweepReport
    from hypercare.sync.runner import Progress as Progress
    from hypercare.sync.runner import SyncReport as SyncReport
    from hypercare.triage.classifier import Classification as Classification
    from hypercare.triage.classifier import TicketText as TicketText
    from hypercare.triage.evaluation import ClassScore as ClassScore
    from hypercare.triage.evaluation import Evaluation as Evaluation
    from hypercare.triage.severity import Severity as Severity
    from hypercare.triage.standup import Agenda as Agenda
    from hypercare.triage.standup import AgendaItem as AgendaItem


@cache
def _homes() -> dict[str, str]:
    """Public name -> the module it is imported from, read from the block above."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            return {alias.asname or alias.name: str(statement.module)
                    for statement in node.body if isinstance(statement, ast.ImportFrom)
                    for alias in statement.names}
    raise ImportError("hypercare.services lost its TYPE_CHECKING block of public names")


def __getattr__(name: str) -> Any:
    if name == "__all__":
        return sorted(_homes())
    home = _homes().get(name)
    if home is None:
        raise AttributeError(f"module 'hypercare.services' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_homes()})
