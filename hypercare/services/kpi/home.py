"""What the Slack App Home tab shows one person: the reports they raised, the open known
issues of their company, the dashboard's headline KPIs and, for a lead, the escalations
waiting for an acknowledgement or an approval.

Read-only and cheap: a few small queries, one ``RaiseService.show`` per listed report and
one 30-day KPI board.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.intake.raising import RaisedView
from hypercare.services.kpi.dashboard import BOARD_DAYS, KpiTile, tiles
from hypercare.services.problems.known_issues import KnownIssueService, KnownIssueView
from hypercare.services.triage import escalation_views
from hypercare.services.triage.escalation_views import EscalationView
from hypercare.store import alerts
from hypercare.store.home import company_of_partner
from hypercare.store.raised import raised_ids_of

if TYPE_CHECKING:
    from hypercare.services.intake.raising import RaiseService
    from hypercare.services.kpi.dashboard import DashboardService
    from hypercare.services.tickets.service import TicketService
    from hypercare.services.triage.sla import SlaService

SHOWN = 10
"""At most this many raised reports, known issues, pending acks and approvals."""
HEADLINE = 4
"""The first tiles of the dashboard (open backlog, open S1, inflow, outflow)."""
RESOLVED = ("fix_released", "closed")
"""Known-issue statuses that no longer need a workaround shown."""


@dataclass(frozen=True)
class HomeView:
    """The App Home of one Slack user.

    ``company``: the company of the tickets the user reported in Odoo (their e-mail as the
    ticket's partner), the most frequent one; "" when unknown. ``raised``: their reports from
    Slack, newest first (a closed ticket still shows, its state from ``odoo_ref`` and
    ``severity``). ``known_issues``: open known issues with a ticket in that company (every
    open one when the company is unknown), those with a workaround first. ``headline``: the
    dashboard's first KPI tiles. ``pending_acks`` (open, not acknowledged) and ``approvals``
    (waiting for a lead's approval): escalations, for a lead only (empty otherwise).
    """

    user: str
    company: str
    raised: tuple[RaisedView, ...]
    known_issues: tuple[KnownIssueView, ...]
    headline: tuple[KpiTile, ...]
    pending_acks: tuple[EscalationView, ...]
    approvals: tuple[EscalationView, ...]
    is_lead: bool
    may_raise: bool
    """The "Raise an issue" button is theirs to use (``roles.raise``)."""


class HomeService:
    """Builds the App Home from the raise, ticket, known-issue, dashboard and SLA services."""

    def __init__(self, context: ServiceContext, *, raising: RaiseService,
                 tickets: TicketService, known_issues: KnownIssueService,
                 dashboard: DashboardService, sla: SlaService) -> None:
        self._context = context
        self._raising, self._tickets, self._known = raising, tickets, known_issues
        self._dashboard, self._sla = dashboard, sla

    def home(self, *, viewer: Viewer) -> HomeView:
        """The App Home of ``viewer`` (a Slack user, with their profile's e-mail)."""
        settings = self._context.settings
        with self._context.store().session() as session:
            raised_ids = raised_ids_of(viewer.id, limit=SHOWN, session=session)
            company = company_of_partner(viewer.email, session=session)
            pending: list[EscalationView] = []
            approvals: list[EscalationView] = []
            if viewer.lead:
                for status, found in (("open", pending), ("pending_approval", approvals)):
                    rows, _ = alerts.escalations_with_status((status,), limit=SHOWN,
                                                             session=session)
                    found.extend(escalation_views.views(rows, settings=settings,
                                                        viewer=viewer, session=session))
        return HomeView(
            user=viewer.id, company=company,
            raised=tuple(self._raising.show(raised_id=i) for i in raised_ids),
            known_issues=self._issues(company), headline=self._headline(),
            pending_acks=tuple(pending), approvals=tuple(approvals), is_lead=viewer.lead,
            may_raise=viewer.may_raise)

    def _issues(self, company: str) -> tuple[KnownIssueView, ...]:
        """Open, unresolved known issues touching ``company`` (all when ""), those with a
        workaround first, then most linked tickets."""
        wanted = company.casefold()
        issues = [issue for issue in self._known.list_issues(with_tickets=bool(company))
                  if issue.status not in RESOLVED
                  and (not wanted or wanted in (c.casefold() for c in issue.companies))]
        issues.sort(key=lambda i: (not i.workaround, -i.linked, i.id))
        return tuple(issues[:SHOWN])

    def _headline(self) -> tuple[KpiTile, ...]:
        """The dashboard's first tiles, from the same 30-day board the dashboard reads."""
        from hypercare.services.kpi.service import KpiService

        return tiles(KpiService(self._context).board(days=BOARD_DAYS))[:HEADLINE]
