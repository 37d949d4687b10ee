"""Ticket services: list and show synced tickets as read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hypercare.errors import HypercareError
from hypercare.services.context import ServiceContext
from hypercare.store import tickets as queries
from hypercare.store.tables import Ticket, TicketClassification, TicketEvent
from hypercare.store.triage_records import classifications_for
from hypercare.triage.odoo_sla import odoo_sla_failed


class TicketNotFoundError(HypercareError):
    """No synced ticket has that reference."""

    exit_code = 1
    default_hint = "Check the reference with `hypercare tickets list`, or run `hypercare sync`."


@dataclass(frozen=True)
class TicketView:
    """A ticket as front ends see it. Times are timezone-aware UTC."""

    odoo_id: int
    ref: str
    title: str
    description: str
    company: str
    team: str
    stage: str
    is_closed: bool
    priority: int
    priority_label: str
    assignee: str
    partner_name: str
    partner_email: str
    tags: tuple[str, ...]
    ticket_type: str
    odoo_category: str
    """OCA helpdesk_mgmt's ticket category (not hypercare's classification)."""
    channel: str
    active: bool
    deleted: bool
    created_at: datetime | None
    updated_at: datetime | None
    assigned_at: datetime | None
    closed_at: datetime | None
    first_response_at: datetime | None
    reopen_count: int
    odoo_sla_deadline: datetime | None
    odoo_sla_failed: bool
    url: str
    category: str = ""
    """defect, training_gap, policy_ambiguity, unclassified ("" before classification)."""
    category_guess: str = ""
    category_confidence: float | None = None
    category_source: str = ""
    category_explanation: tuple[str, ...] = ()
    severity: str = ""
    """S1 (business stopped) .. S4 (cosmetic)."""
    severity_reasons: tuple[str, ...] = ()
    app: str = ""
    change_request: bool = False
    confidential: bool = False
    sla_state: str = ""
    """The resolution clock at the last sweep: on_track, at_risk, breached, met, paused."""
    sla_due_at: datetime | None = None
    sla_business_minutes_left: float | None = None
    """Business minutes to the resolution target (negative: overdue)."""
    sla_clocks: tuple[dict[str, Any], ...] = ()
    escalation_level: int = 0
    """0: not escalated; 1..4: the level of the matrix reached."""
    known_issue: str = ""
    """``KI-3`` when the ticket is one instance of a known issue."""
    workaround: str = ""
    """The known issue's workaround, when there is one."""


@dataclass(frozen=True)
class EventView:
    """One entry of a ticket's event log."""

    at: datetime | None
    kind: str
    actor: str
    actor_is_internal: bool
    from_value: str
    to_value: str
    body: str


@dataclass(frozen=True)
class TicketDetail:
    """A ticket with its event log, oldest event first."""

    ticket: TicketView
    events: tuple[EventView, ...]


class TicketService:
    """Reads tickets from the store."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def list_tickets(
        self,
        *,
        open_only: bool = False,
        company: str | None = None,
        include_archived: bool = False,
        limit: int | None = None,
    ) -> list[TicketView]:
        """Synced tickets, newest first (deleted ones left out; archived ones unless asked)."""
        now = self._context.clock()
        with self._context.store().session() as session:
            rows = queries.list_tickets(
                session=session, open_only=open_only, company=company,
                include_archived=include_archived, limit=limit,
            )
            ids = [row.odoo_id for row in rows]
            verdicts = classifications_for(ids, session=session)
            extras = _sla_extras(ids, session)
            return [_view(row, now, verdicts.get(row.odoo_id), extras.get(row.odoo_id, {}))
                    for row in rows]

    def show_ticket(self, *, ref: str) -> TicketDetail:
        """One ticket by reference (``HT00042``, ``#42``, or its Odoo id) with its event log."""
        now = self._context.clock()
        with self._context.store().session() as session:
            row = queries.find_ticket(ref, session=session)
            if row is None:
                raise TicketNotFoundError(f"no synced ticket has the reference {ref!r}")
            log = queries.events_for([row.odoo_id], session=session)[row.odoo_id]
            verdict = classifications_for([row.odoo_id], session=session).get(row.odoo_id)
            extras = _sla_extras([row.odoo_id], session).get(row.odoo_id, {})
            return TicketDetail(_view(row, now, verdict, extras),
                                tuple(_event_view(e) for e in log))


def _sla_extras(ids: list[int], session: Any) -> dict[int, dict[str, Any]]:
    from hypercare.services.sla import escalation_level
    from hypercare.store import alerts
    from hypercare.store.problems import known_issue_links

    clocks = alerts.clocks_for(ids, session=session)
    issues = known_issue_links(ids, session=session)
    escalations = alerts.escalations_for([f"ticket:{i}" for i in ids], session=session)
    extras: dict[int, dict[str, Any]] = {}
    for odoo_id in ids:
        found: dict[str, Any] = {
            "escalation_level": escalation_level(escalations[f"ticket:{odoo_id}"])}
        issue = issues.get(odoo_id)
        if issue is not None:
            found.update(known_issue=f"KI-{issue.id}", workaround=issue.workaround)
        clock = clocks.get(odoo_id)
        if clock is not None:
            found.update(sla_state=clock.state, sla_due_at=clock.due_at,
                         sla_business_minutes_left=clock.business_minutes_left,
                         sla_clocks=tuple(clock.clocks))
        extras[odoo_id] = found
    return extras


def _view(row: Ticket, now: datetime, verdict: TicketClassification | None,
          extras: dict[str, Any]) -> TicketView:
    classified: dict[str, Any] = {}
    if verdict is not None:
        classified = {
            "category": verdict.category, "category_guess": verdict.guess,
            "category_confidence": verdict.confidence, "category_source": verdict.source,
            "category_explanation": tuple(verdict.explanation),
            "severity": f"S{verdict.severity}", "severity_reasons": tuple(verdict.severity_reasons),
            "app": verdict.app, "change_request": verdict.change_request,
            "confidential": verdict.confidential,
        }
    return TicketView(
        odoo_id=row.odoo_id, ref=row.ref, title=row.title, description=row.description,
        company=row.company, team=row.team, stage=row.stage, is_closed=row.is_closed,
        priority=row.priority, priority_label=row.priority_label, assignee=row.assignee,
        partner_name=row.partner_name, partner_email=row.partner_email, tags=tuple(row.tags),
        ticket_type=row.ticket_type, odoo_category=row.category, channel=row.channel,
        active=row.active, deleted=row.deleted, created_at=row.created_at,
        updated_at=row.updated_at, assigned_at=row.assigned_at, closed_at=row.closed_at,
        first_response_at=row.first_response_at, reopen_count=row.reopen_count,
        odoo_sla_deadline=row.odoo_sla_deadline,
        odoo_sla_failed=odoo_sla_failed(
            deadline=row.odoo_sla_deadline, reached_late=row.odoo_sla_reached_late,
            is_closed=row.is_closed, closed_at=row.closed_at, now=now,
        ),
        url=row.url,
        **classified,
        **extras,
    )


def _event_view(event: TicketEvent) -> EventView:
    return EventView(
        at=event.at, kind=event.kind, actor=event.actor,
        actor_is_internal=event.actor_is_internal, from_value=event.from_value,
        to_value=event.to_value, body=event.body,
    )
