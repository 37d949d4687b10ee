"""Tickets as front ends read them: the read models (``TicketView``, ``TicketDetail``, events
and chatter) and their mapping from store rows, masked for a viewer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hypercare.services.access import MASKED_TEXT, MASKED_TITLE, Viewer
from hypercare.services.triage.escalation_views import EscalationView
from hypercare.store.tables import KnownIssue, Ticket, TicketClassification, TicketEvent
from hypercare.triage.odoo_sla import odoo_sla_failed
from hypercare.triage.sla_text import ClockTime


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
    severity: int = 0
    """1 (S1, business stopped) .. 4 (S4, cosmetic); 0 before classification. Shown with
    :func:`hypercare.triage.labels.severity_label`."""
    severity_reasons: tuple[str, ...] = ()
    app: str = ""
    change_request: bool = False
    confidential: bool = False
    sla_state: str = ""
    """The resolution clock at the last sweep: on_track, at_risk, breached, met, paused."""
    sla_due_at: datetime | None = None
    sla_business_minutes_left: float | None = None
    """Business minutes to the resolution target (negative: overdue; calendar minutes on a
    24x7 clock)."""
    sla_met_at: datetime | None = None
    """When the resolution target was reached (None while its clock runs)."""
    sla_24x7: bool = False
    """The clocks run 24x7 (a confirmed S1, an always-open calendar): their time is calendar
    time, not business time (:mod:`hypercare.triage.sla_text`)."""
    sla_clocks: tuple[dict[str, Any], ...] = ()
    """Every target as the sweep stored it: target, state, due_at, business_minutes_left,
    used_share, met_at (ISO) and always_open."""
    escalation_level: int = 0
    """0: not escalated; 1..4: the level of the matrix reached."""
    known_issue: str = ""
    """``KI-3`` when the ticket is one instance of a known issue."""
    workaround: str = ""
    """The known issue's workaround, when there is one."""
    masked: bool = False
    """Confidential and not for this viewer: title, description and reasons are replaced
    (:mod:`hypercare.services.access`)."""

    def sla_clock(self) -> ClockTime:
        """The resolution clock, as :mod:`hypercare.triage.sla_text` writes it."""
        return ClockTime(self.sla_state, self.sla_business_minutes_left, self.sla_due_at,
                         self.sla_met_at, self.sla_24x7)

    def sla_clock_times(self) -> list[tuple[str, ClockTime]]:
        """(target, clock) for every stored clock, in the sweep's order."""
        return [(str(c.get("target", "")), ClockTime.from_stored(c, always_open=self.sla_24x7))
                for c in self.sla_clocks]


@dataclass(frozen=True)
class SlaClockView:
    """One of a ticket's SLA clocks (first response, workaround, resolution) as the last
    sweep left it. Front ends word it with :mod:`hypercare.triage.sla_text` (:meth:`clock`)."""

    target: str
    state: str
    """on_track, at_risk, breached, met, paused."""
    due_at: datetime | None
    minutes_left: float | None
    """Business minutes to the target (calendar minutes on a 24x7 clock); negative:
    overdue; for a target reached, the margin it was reached with."""
    met_at: datetime | None
    """When the target was reached (None while the clock runs)."""
    always_open: bool
    """The clock runs 24x7: its minutes are calendar time."""

    def clock(self) -> ClockTime:
        return ClockTime(self.state, self.minutes_left, self.due_at, self.met_at,
                         self.always_open)


@dataclass(frozen=True)
class KnownIssueLink:
    """The known issue a ticket is one instance of."""

    ref: str
    """``KI-3``."""
    title: str
    status: str
    """investigating, workaround_available, fix_in_test, fix_released, closed."""
    workaround: str


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
class ChatterView:
    """One message of a ticket's live chatter in Odoo."""

    at: datetime | None
    kind: str
    """public_reply, customer_message, internal_note, tracking or system."""
    author: str
    internal: bool
    """The author is an internal (employee) user."""
    body: str
    """Plain text; for a tracking message, its field changes (``stage_id: New -> Done``)."""


@dataclass(frozen=True)
class TicketDetail:
    """A ticket with its event log, oldest event first."""

    ticket: TicketView
    events: tuple[EventView, ...]
    also_affected: int = 0
    """People who said in Slack that it affects them too."""
    also_affected_names: tuple[str, ...] = ()
    """Who they are (for a lead only)."""
    sla: tuple[SlaClockView, ...] = ()
    """Every SLA clock, in the sweep's order (none before the first sweep)."""
    escalations: tuple[EscalationView, ...] = ()
    """The ticket's escalations, oldest first (titles masked as ``ticket.title`` is)."""
    known_issue: KnownIssueLink | None = None


def sla_views(ticket: TicketView) -> tuple[SlaClockView, ...]:
    """The ticket's stored clocks as read models."""
    return tuple(SlaClockView(target, c.state, c.due_at, c.minutes_left, c.met_at,
                              c.always_open) for target, c in ticket.sla_clock_times())


def known_issue_link(issue: KnownIssue | None) -> KnownIssueLink | None:
    if issue is None:
        return None
    return KnownIssueLink(ref=f"KI-{issue.id}", title=issue.title, status=issue.status,
                          workaround=issue.workaround)


def sla_extras(ids: list[int], session: Any) -> dict[int, dict[str, Any]]:
    from hypercare.services.triage.sla import escalation_level
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
            resolution = next((c for c in clock.clocks if c.get("target") == "resolution"), {})
            met = resolution.get("met_at")
            found.update(sla_state=clock.state, sla_due_at=clock.due_at,
                         sla_business_minutes_left=clock.business_minutes_left,
                         sla_met_at=datetime.fromisoformat(met) if met else None,
                         sla_24x7=bool(resolution.get("always_open", clock.calendar == "24x7")),
                         sla_clocks=tuple(clock.clocks))
        extras[odoo_id] = found
    return extras


def ticket_view(row: Ticket, now: datetime, verdict: TicketClassification | None,
          extras: dict[str, Any], viewer: Viewer) -> TicketView:
    classified: dict[str, Any] = {}
    if verdict is not None:
        classified = {
            "category": verdict.category, "category_guess": verdict.guess,
            "category_confidence": verdict.confidence, "category_source": verdict.source,
            "category_explanation": tuple(verdict.explanation),
            "severity": verdict.severity, "severity_reasons": tuple(verdict.severity_reasons),
            "app": verdict.app, "change_request": verdict.change_request,
            "confidential": verdict.confidential,
        }
    view = TicketView(
        odoo_id=row.odoo_id, ref=row.ref, title=row.title, description=row.description,
        company=row.company, team=row.team, stage=row.stage, is_closed=row.is_closed,
        priority=row.priority, priority_label=row.priority_label, assignee=row.assignee,
        partner_name=row.partner_name, partner_email=row.partner_email, tags=tuple(row.tags),
        ticket_type=row.ticket_type, odoo_category=row.odoo_category, channel=row.channel,
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
    if view.confidential and not viewer.sees_confidential(reporter_email=row.partner_email):
        view = replace(view, title=MASKED_TITLE, description=MASKED_TEXT,
                       category_explanation=(), severity_reasons=(), masked=True)
    return view


def event_view(event: TicketEvent) -> EventView:
    return EventView(
        at=event.at, kind=event.kind, actor=event.actor,
        actor_is_internal=event.actor_is_internal, from_value=event.from_value,
        to_value=event.to_value, body=event.body,
    )
