"""SLA sweep: clocks for every open ticket, escalations by the matrix, messages queued.

``sweep(now=...)`` is what the scheduler runs every minute (and ``hypercare triage
sweep`` runs once). Each ticket's clocks, new escalations and their outbox rows are
written in one transaction per chunk, so a crash never half-escalates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hypercare.errors import UsageError
from hypercare.services.access import SYSTEM, Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.outbox import notifications
from hypercare.services.triage import escalation_views
from hypercare.services.triage.baseline import (
    BaselineSummary,
    baseline_before,
    last_sweep_at,
    record_sweep,
)
from hypercare.services.triage.calendars import (
    build_calendars,
    calendar_name,
)
from hypercare.services.triage.escalation_messages import EscalationMessages, iso, stored_clock
from hypercare.services.triage.escalation_views import EscalationView
from hypercare.services.triage.manual_escalation import ManualEscalation
from hypercare.services.triage.record_escalations import RecordEscalations
from hypercare.store import alerts
from hypercare.store import tickets as ticket_queries
from hypercare.store.problems import known_issue_links, linked_counts
from hypercare.store.tables import Escalation, KnownIssue, Ticket, TicketClassification
from hypercare.store.triage_records import classifications_for
from hypercare.triage.calendar import BusinessCalendar
from hypercare.triage.escalation import (
    EscalationFacts,
    ExistingEscalation,
    current_level,
    plan_escalations,
)
from hypercare.triage.odoo_sla import odoo_sla_failed
from hypercare.triage.sla import (
    ClockFacts,
    ClockState,
    ClockTarget,
    evaluate_clock,
    pause_intervals,
)
from hypercare.triage.sla_policy import TicketScope, choose_policy

SETTLE_DAYS = 7
CLOCK_TARGETS: tuple[ClockTarget, ...] = ("first_response", "workaround", "resolution")
URGENCY = {"breached": 0, "at_risk": 1, "paused": 2, "on_track": 3, "met": 4}
CHUNK = 2000


@dataclass(frozen=True)
class SweepReport:
    """What one sweep found and did."""

    now: datetime
    tickets: int
    states: dict[str, int]
    """Resolution clock states over the evaluated tickets."""
    new_escalations: dict[str, int]
    """By trigger."""
    pending_approval: int
    messages: dict[str, int] = field(default_factory=dict)
    """Outbox rows created by state (pending, suppressed)."""
    baselined: int = 0
    """Escalations recorded as a baseline (already true before hypercare watched)."""


@dataclass(frozen=True)
class SweepRehearsal:
    """What a sweep at ``report.now`` would do, done in a transaction that was rolled back:
    nothing of it is in the store."""

    report: SweepReport
    escalations: tuple[EscalationView, ...]
    messages: tuple[notifications.OutboxView, ...]


class SlaService(EscalationMessages, RecordEscalations, ManualEscalation):
    """Clocks, escalations (by the matrix or by hand) and their messages."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def rehearse(self, *, now: datetime) -> SweepRehearsal:
        """A dry run of :meth:`sweep` at ``now`` (``triage sweep --now``): the escalations and
        messages it would make, with no row written to any table."""
        store = self._context.store()
        with store.rehearsal():
            with store.session() as session:
                last_escalation, last_message = alerts.newest_ids(session=session)
            report = self.sweep(now=now)
            with store.session() as session:
                rows, messages = alerts.written_after(last_escalation, last_message,
                                                      session=session)
                views = escalation_views.views(rows, settings=self._context.settings,
                                               viewer=SYSTEM, session=session)
                outbox = tuple(notifications.view(m) for m in messages)
        return SweepRehearsal(report, tuple(views), outbox)

    def sweep(self, *, now: datetime | None = None,
              refs: Sequence[str] | None = None) -> SweepReport:
        """Evaluate every open ticket's clocks, escalate by the matrix, queue messages;
        ``refs``: only these tickets (a decision on them just moved their targets)."""
        moment = now or self._context.clock()
        if moment.tzinfo is None:
            raise UsageError("--now needs a timezone, e.g. 2026-11-23T09:00:00+01:00")
        settings = self._context.settings
        calendars = build_calendars(settings)
        states: Counter[str] = Counter()
        triggers: Counter[str] = Counter()
        messages: Counter[str] = Counter()
        pending_approval = 0
        summary = BaselineSummary()
        store = self._context.store()
        with store.session() as session:
            tickets = ticket_queries.tickets_for_sla(
                closed_since=moment - timedelta(days=SETTLE_DAYS), refs=refs, session=session)
            unwatched = baseline_before(last_sweep_at(session=session), moment,
                                        settings.escalation.baseline_gap_minutes)
            counts = linked_counts(session=session)
        for start in range(0, len(tickets), CHUNK):
            chunk = tickets[start : start + CHUNK]
            with store.session() as session:
                ids = [t.odoo_id for t in chunk]
                verdicts = classifications_for(ids, session=session)
                changes = ticket_queries.stage_changes(ids, session=session)
                issues = known_issue_links(ids, session=session)
                subjects = {t.odoo_id: _subject(t.odoo_id, issues.get(t.odoo_id))
                            for t in chunk}
                existing = {s: [_existing(e) for e in rows] for s, rows in
                            alerts.escalations_for(set(subjects.values()),
                                                   session=session).items()}
                clock_rows = []
                for ticket in chunk:
                    verdict = verdicts.get(ticket.odoo_id)
                    issue = issues.get(ticket.odoo_id)
                    row, clock_states = self._clocks(
                        ticket, verdict, changes[ticket.odoo_id], calendars, moment,
                        workaround_at=issue.workaround_at if issue is not None else None)
                    clock_rows.append(row)
                    states[row["state"]] += 1
                    subject = subjects[ticket.odoo_id]
                    facts = EscalationFacts(
                        is_open=not ticket.is_closed,
                        severity=verdict.severity if verdict else 3,
                        severity_confirmed=bool(verdict and verdict.severity_source == "human"),
                        clock_states=clock_states,
                        reopen_count=ticket.reopen_count,
                        existing=existing[subject], breached_at=_breached_at(row))
                    about = None if issue is None else {
                        "id": issue.id, "ref": f"KI-{issue.id}", "title": issue.title,
                        "status": issue.status, "tickets": counts.get(issue.id or 0, 0)}
                    for new in plan_escalations(
                        facts, now=moment, ack_minutes=settings.escalation.ack_minutes,
                        approval_from_level=settings.escalation.approval_from_level,
                        baseline_before=unwatched,
                    ):
                        triggers[new.trigger] += 1
                        pending_approval += new.status == "pending_approval"
                        record, sent = self._escalate(session, ticket, verdict, new, moment,
                                                      clock=row, subject=subject, issue=about,
                                                      baseline=summary)
                        existing[subject] = [e for e in existing[subject]
                                             if e.level != record.level] + [_existing(record)]
                        messages.update(sent)
                alerts.save_clocks(clock_rows, session=session)
        with store.session() as session:
            messages.update(summary.enqueue(session, settings, moment))
            if refs is None:  # the command center's own records: a whole sweep's work
                raised = [*self._known_issue_clocks(session, calendars, moment),
                          *self._overdue_decisions(session, moment)]
                for trigger, sent in raised:
                    triggers[trigger] += 1
                    messages.update(sent)
                record_sweep(moment, session=session)
        return SweepReport(moment, len(tickets), dict(states), dict(triggers), pending_approval,
                           dict(messages), baselined=summary.count)

    def acknowledge(self, *, escalation_id: int, viewer: Viewer) -> None:
        """Someone has it (the escalation's recipient or a lead): stops re-escalation for
        lack of acknowledgement."""
        now = self._context.clock()
        with self._context.store().session() as session:
            row = session.get(Escalation, escalation_id)
            if row is None:
                raise UsageError(f"no escalation #{escalation_id}",
                                 hint="`hypercare triage escalations` lists them.")
            self._context.access.require(viewer, "acknowledge", recipients=row.notified)
            row.status, row.acknowledged_by, row.acknowledged_at = ("acknowledged",
                                                                    viewer.name, now)
            session.add(row)

    def approve(self, *, escalation_id: int, viewer: Viewer) -> None:
        """A lead approves an L3/L4 escalation: its contacts are notified now."""
        self._context.access.require(viewer, "approve")
        now = self._context.clock()
        with self._context.store().session() as session:
            row = session.get(Escalation, escalation_id)
            if row is None or row.status != "pending_approval":
                raise UsageError(f"escalation #{escalation_id} is not waiting for approval")
            row.status, row.approved_by, row.approved_at = "open", viewer.name, now
            session.add(row)
            ticket = (records_ticket(row.ticket_odoo_id, session)
                      if row.ticket_odoo_id is not None else None)
            if ticket is not None:
                verdict = classifications_for([ticket.odoo_id], session=session).get(
                    ticket.odoo_id)
                self._notify(session, ticket, verdict, row, now,
                             clock=stored_clock(session, ticket.odoo_id))

    def list_outbox(self, *, state: str | None = None,
                    limit: int = 200) -> list[notifications.OutboxView]:
        """Outbox rows, newest first (``state``: pending, sent, dead or suppressed)."""
        with self._context.store().session() as session:
            return [notifications.view(row)
                    for row in alerts.list_outbox(state=state, limit=limit, session=session)]

    # -- clocks ----------------------------------------------------------------------------

    def _clocks(self, ticket: Ticket, verdict: TicketClassification | None,
                changes: list[tuple[datetime, str]], calendars: dict[str, BusinessCalendar],
                now: datetime, *, workaround_at: datetime | None = None,
                ) -> tuple[dict[str, Any], dict[str, str]]:
        settings = self._context.settings.sla
        severity = verdict.severity if verdict else 3
        scope = TicketScope(severity, verdict.category if verdict else "", ticket.company,
                            ticket.team, ticket.ticket_type, verdict.app if verdict else "")
        targets = choose_policy(settings.policies, scope)
        confirmed_s1 = severity == 1 and bool(verdict and verdict.severity_source == "human")
        name = calendar_name(settings.team_calendars, settings.company_calendars, ticket,
                             always=confirmed_s1 and settings.confirmed_s1_24x7)
        if name not in calendars:
            name = "default"  # a mapping to an unknown calendar falls back, not fails
        calendar = calendars[name]
        started = ticket.created_at or now
        pauses = pause_intervals(changes, settings.pause_stages)
        done = {"first_response": ticket.first_response_at,
                "workaround": _earliest(workaround_at,
                                        ticket.closed_at if ticket.is_closed else None),
                "resolution": ticket.closed_at if ticket.is_closed else None}
        evaluated: list[ClockState] = []
        for target in CLOCK_TARGETS:
            minutes = targets.minutes[target] if targets else None
            if minutes is None:
                continue
            facts = ClockFacts(started, done[target], pauses)
            evaluated.append(evaluate_clock(target, facts, minutes, calendar, now,
                                            settings.at_risk_share))
        clock_states: dict[str, str] = {c.target: c.state for c in evaluated}
        if settings.alerts_from == "odoo":
            failed = odoo_sla_failed(deadline=ticket.odoo_sla_deadline,
                                     reached_late=ticket.odoo_sla_reached_late,
                                     is_closed=ticket.is_closed, closed_at=ticket.closed_at,
                                     now=now)
            clock_states = {"odoo": "breached" if failed else "on_track"}
        resolution = next((c for c in evaluated if c.target == "resolution"), None)
        worst = min((c.state for c in evaluated), key=lambda s: URGENCY[s], default="")
        row = {
            "ticket_odoo_id": ticket.odoo_id,
            "state": resolution.state if resolution else (worst or "none"),
            "due_at": resolution.due_at if resolution else None,
            "business_minutes_left": (round(resolution.business_minutes_left, 1)
                                      if resolution else None),
            "worst_state": worst,
            "clocks": [{"target": c.target, "state": c.state,
                        "due_at": c.due_at.isoformat() if c.due_at else None,
                        "business_minutes_left": round(c.business_minutes_left, 1),
                        "used_share": round(c.used_share, 3),
                        "met_at": iso(done[c.target]),
                        "always_open": calendar.always_open} for c in evaluated],
            "policy": targets.name if targets else "",
            "calendar": name,
            "evaluated_at": now,
        }
        return row, clock_states


def _earliest(*moments: datetime | None) -> datetime | None:
    """The earliest known moment (a known issue's workaround or the ticket's closing)."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def records_ticket(odoo_id: int, session: Any) -> Ticket | None:
    from hypercare.store.triage_records import ticket_texts

    return ticket_texts([odoo_id], session=session).get(odoo_id)


def _existing(row: Escalation) -> ExistingEscalation:
    assert row.created_at is not None
    return ExistingEscalation(row.trigger_key, row.level, row.status, row.created_at,
                              row.approved_at, tuple(row.triggers))


def _subject(odoo_id: int, issue: KnownIssue | None) -> str:
    """What a ticket escalates as: its known issue when it is linked to one (once for all
    its tickets), else itself."""
    return f"known_issue:{issue.id}" if issue is not None else f"ticket:{odoo_id}"


def _breached_at(clock: dict[str, Any]) -> dict[str, datetime]:
    """target -> when its deadline passed, for the clocks that breached."""
    return {c["target"]: datetime.fromisoformat(c["due_at"]) for c in clock["clocks"]
            if c["state"] == "breached" and c.get("due_at")}


def escalation_level(rows: list[Escalation]) -> int:
    """The level a ticket is escalated to (0: none)."""
    return current_level([_existing(r) for r in rows])
