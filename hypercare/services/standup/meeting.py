"""The daily triage stand-up: the exceptions-first agenda, decisions per item, minutes.

``agenda`` reads what changed since the last stand-up of the same scope (or the last
24 hours); ``start`` keeps the agenda as it stood. ``record`` applies a decision to one item
(category, severity, owner and next step, links, workaround) in one unit of work, and
``undo_last`` takes back the viewer's own newest one (:mod:`.recording`). ``end`` renders
the minutes from what was recorded, stores them and queues them for posting; decisions on
tickets become internal notes in Odoo (through the write-back queue, as
``odoo.write_mode`` allows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypercare.errors import UsageError
from hypercare.services.access import AUDIENCE, Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.outbox import notifications
from hypercare.services.standup.card import StandupCard, build_card
from hypercare.services.standup.minutes_input import minutes_input, snapshot
from hypercare.services.standup.recording import UNDO_MINUTES, StandupRecorder, open_standup
from hypercare.services.tickets.scopes import resolve_scope
from hypercare.store import Session, problems
from hypercare.store.tables import Standup
from hypercare.triage.minutes import render_minutes
from hypercare.triage.standup import (
    Agenda,
    AgendaDecision,
    AgendaKnownIssue,
    AgendaTicket,
    OpenAction,
    build_agenda,
)

__all__ = ["UNDO_MINUTES", "StandupService", "StandupView"]


@dataclass(frozen=True)
class StandupView:
    id: int
    scope: str
    started_at: datetime | None
    ended_at: datetime | None
    attendees: tuple[str, ...]
    minutes: str


class StandupService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def agenda(self, *, company: str | None = None, team: str | None = None,
               since: datetime | None = None) -> Agenda:
        """The exceptions-first agenda since the last stand-up of this scope (``company``,
        ``team``: names of synced tickets' companies and teams in any case, else a
        UsageError listing the known ones)."""
        now = self._context.clock()
        with self._context.store().session() as session:
            scope = resolve_scope(company=company, team=team, session=session)
            company, team = scope.company, scope.team
            start = since or self._since(session, _scope(company, team), now)
            return self._build(session, start, now, company, team)

    def start(self, *, viewer: Viewer, company: str | None = None, team: str | None = None,
              attendees: tuple[str, ...] = ()) -> int:
        """Open a stand-up (leads): the agenda as it stands now is kept with it."""
        self._context.access.require(viewer, "standup")
        now = self._context.clock()
        with self._context.store().session() as session:
            checked = resolve_scope(company=company, team=team, session=session)
            scope = _scope(checked.company, checked.team)
            since = self._since(session, scope, now)
            agenda = self._build(session, since, now, checked.company, checked.team)
            kept = [snapshot(i, carried=False) for i in agenda.items()]
            kept += [snapshot(i, carried=True) for i in agenda.carried()]
            row = Standup(scope=scope, timezone=self._context.settings.timezone,
                          since=since, started_at=now, attendees=list(attendees),
                          agenda=kept)
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def record(self, *, standup_id: int, item_ref: str, viewer: Viewer,
               category: str | None = None, severity: int | None = None,
               owner: str | None = None, next_step: str | None = None, due: date | None = None,
               known_issue_id: int | None = None, workaround: str | None = None) -> int:
        """Apply one decision to an agenda item (a ticket ref; leads); returns its change
        id. Everything it writes commits together, or nothing does."""
        changes: dict[str, Any] = {k: v for k, v in {
            "category": category, "severity": severity, "owner": owner, "next_step": next_step,
            "due": due.isoformat() if due else None, "known_issue": known_issue_id,
            "workaround": workaround}.items() if v is not None}
        return StandupRecorder(self._context).record(
            standup_id=standup_id, item_ref=item_ref, viewer=viewer, changes=changes).change_id

    def raise_question(self, *, standup_id: int, item_ref: str, viewer: Viewer,
                       question: str, owner: str, due: date | None = None) -> str:
        """A policy question raised from an item (leads): its process owner and due date;
        returns its reference (``D-5``)."""
        from hypercare.services.problems.decisions import DecisionService

        if not question.strip() or not owner.strip():
            raise UsageError("a policy question needs the question and its process owner")

        def make(subject: str) -> int:
            return DecisionService(self._context).create(
                question=question.strip(), owner=owner.strip(), viewer=viewer, due_date=due,
                links=(subject,)).id

        decided = StandupRecorder(self._context).raised(
            standup_id=standup_id, item_ref=item_ref, viewer=viewer, field="question",
            record="decision", make=make)
        return str(decided.changes["question"])

    def raise_backlog_item(self, *, standup_id: int, item_ref: str, viewer: Viewer,
                           title: str, type: str = "fix") -> str:
        """A backlog item raised from an item (leads, through the backlog's own checks);
        returns its reference (``B-7``)."""
        from hypercare.services.problems.backlog import BacklogService

        def make(subject: str) -> int:
            backlog = BacklogService(self._context)
            return backlog.add(type=type, title=title, viewer=viewer,
                               links=(subject,)).item.id

        decided = StandupRecorder(self._context).raised(
            standup_id=standup_id, item_ref=item_ref, viewer=viewer, field="backlog",
            record="backlog", make=make)
        return str(decided.changes["backlog"])

    def raise_known_issue(self, *, standup_id: int, item_ref: str, viewer: Viewer,
                          title: str) -> str:
        """A new known issue made from an item, the ticket linked to it (leads); returns its
        reference (``KI-3``)."""
        from hypercare.services.problems.known_issues import KnownIssueService

        if not title.strip():
            raise UsageError("a known issue needs a title: what is the problem?")

        def make(subject: str) -> int:
            return KnownIssueService(self._context).create(
                title=title.strip(), viewer=viewer, ticket_refs=(item_ref,)).id

        decided = StandupRecorder(self._context).raised(
            standup_id=standup_id, item_ref=item_ref, viewer=viewer, field="new_known_issue",
            record="known_issue", make=make)
        return str(decided.changes["new_known_issue"])

    def undo_last(self, *, standup_id: int, viewer: Viewer) -> str:
        """Take back the viewer's own newest decision in this stand-up, within
        :data:`UNDO_MINUTES`; returns its item."""
        return StandupRecorder(self._context).undo_last(standup_id=standup_id, viewer=viewer)

    def card(self, *, ref: str, viewer: Viewer, standup_id: int | None = None) -> StandupCard:
        """What the room needs to decide on one ticket item (:mod:`.card`)."""
        return build_card(self._context, ref=ref, viewer=viewer, standup_id=standup_id)

    def end(self, *, standup_id: int, viewer: Viewer) -> StandupView:
        """Close the stand-up (leads): minutes built from what was recorded, stored and
        queued for posting."""
        self._context.access.require(viewer, "standup")
        now = self._context.clock()
        with self._context.transaction(), self._context.store().session() as session:
            row = open_standup(session, standup_id)
            assert row.since is not None and row.started_at is not None
            company, team = _unscope(row.scope)
            agenda = self._build(session, row.since, row.started_at, company, team)
            row.minutes = render_minutes(minutes_input(
                session, row, agenda, ended_at=now))
            row.ended_at = now
            session.add(row)
            notifications.enqueue(session, self._context.settings, kind="standup_minutes",
                                  key=f"standup:{standup_id}", recipient="channel:standup",
                                  payload={"standup_id": standup_id, "scope": row.scope,
                                           "markdown": row.minutes}, now=now, urgent=True)
            return _view(row)

    def minutes(self, *, day: date | None = None) -> list[StandupView]:
        """The stand-ups held on ``day`` (command center's timezone; default today)."""
        zone = ZoneInfo(self._context.settings.timezone)
        local_day = day or self._context.clock().astimezone(zone).date()
        start = datetime.combine(local_day, datetime.min.time(), tzinfo=zone)
        with self._context.store().session() as session:
            return [_view(s) for s in problems.standup_on(start, start + timedelta(days=1),
                                                          session=session)]

    # -- building blocks --------------------------------------------------------------------

    def _since(self, session: Session, scope: str, now: datetime) -> datetime:
        last = problems.last_standup(scope=scope, session=session)
        return last.ended_at if last and last.ended_at else now - timedelta(days=1)

    def _build(self, session: Session, since: datetime, now: datetime, company: str | None,
               team: str | None) -> Agenda:
        rows = [AgendaTicket(
            odoo_id=r["odoo_id"], ref=r["ref"], company=r["company"],
            title=AUDIENCE.title(r["title"], confidential=bool(r["confidential"])),
            team=r["team"], app=r["app"] or "", category=r["category"] or "",
            category_confidence=r["confidence"], severity=r["severity"] or 3,
            severity_confirmed=r["severity_source"] == "human", is_closed=bool(r["is_closed"]),
            created_at=r["created_at"] or now, closed_at=r["closed_at"],
            sla_state=r["sla_state"] or "", sla_due_at=r["sla_due_at"],
            escalation_level=int(r["escalation_level"] or 0),
            awaiting_ack=bool(r["awaiting_ack"]), known_issue_id=r["known_issue_id"],
            confidential=bool(r["confidential"]), baseline_at=r["baseline_at"])
            for r in problems.agenda_rows(since, session=session)]
        counts = problems.linked_counts(session=session)
        recent = problems.linked_counts(session=session, since=since)
        issues = [AgendaKnownIssue(i.id or 0, i.title, i.status, counts.get(i.id or 0, 0),
                                   recent.get(i.id or 0, 0))
                  for i in problems.known_issues(session=session)]
        decisions = [AgendaDecision(d.id or 0, d.question, d.process_owner, d.due_date, d.status)
                     for d in problems.decisions(session=session, status="open")]
        actions = [OpenAction(a.id or 0, a.subject, a.text, a.owner, a.due_date)
                   for a in problems.open_actions(session=session)]
        return build_agenda(tickets=rows, known_issues=issues, decisions=decisions,
                            actions=actions, since=since, now=now,
                            timezone=self._context.settings.timezone, company=company,
                            team=team, confidence_floor=self._context.settings.triage.threshold)


def _scope(company: str | None, team: str | None) -> str:
    if company:
        return f"company: {company}"
    if team:
        return f"team: {team}"
    return "all"


def _unscope(scope: str) -> tuple[str | None, str | None]:
    kind, _, value = scope.partition(": ")
    return (value, None) if kind == "company" else ((None, value) if kind == "team" else
                                                     (None, None))


def _view(row: Standup) -> StandupView:
    assert row.id is not None
    return StandupView(row.id, row.scope, row.started_at, row.ended_at, tuple(row.attendees),
                       row.minutes)
