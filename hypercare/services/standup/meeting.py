"""The daily triage stand-up: the exceptions-first agenda, decisions per item, minutes.

``agenda`` reads what changed since the last stand-up of the same scope (or the last
24 hours). ``record`` applies a decision to one item (category, severity, owner and next
step, links, workaround) and remembers what it replaced so ``undo_last`` can put it back
within a short window. ``end`` renders the minutes, stores them and queues them for
posting; decisions on tickets become internal notes in Odoo (through the write-back
queue, as ``odoo.write_mode`` allows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from hypercare.errors import HypercareError, TicketNotFoundError, UsageError
from hypercare.services.access import AUDIENCE, Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.outbox import notifications
from hypercare.services.tickets.scopes import resolve_scope
from hypercare.store import problems
from hypercare.store.tables import Action, Standup, StandupEntry, Ticket, TriageDecision
from hypercare.store.triage_records import classifications_for
from hypercare.triage.minutes import MinuteDecision, render_minutes
from hypercare.triage.standup import (
    Agenda,
    AgendaDecision,
    AgendaKnownIssue,
    AgendaTicket,
    OpenAction,
    build_agenda,
)

UNDO_MINUTES = 5


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
        self._context.access.require(viewer, "standup")
        now = self._context.clock()
        with self._context.store().session() as session:
            checked = resolve_scope(company=company, team=team, session=session)
            scope = _scope(checked.company, checked.team)
            row = Standup(scope=scope, timezone=self._context.settings.timezone,
                          since=self._since(session, scope, now), started_at=now,
                          attendees=list(attendees))
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def record(self, *, standup_id: int, item_ref: str, viewer: Viewer,
               category: str | None = None, severity: int | None = None,
               owner: str | None = None, next_step: str | None = None, due: date | None = None,
               known_issue_id: int | None = None, workaround: str | None = None) -> int:
        """Apply one decision to an agenda item (a ticket ref; leads); returns the entry id."""
        self._context.access.require(viewer, "standup")
        by = viewer.name
        from hypercare.services.problems.known_issues import KnownIssueService
        from hypercare.services.triage.classification import TriageService

        now = self._context.clock()
        changes: dict[str, Any] = {k: v for k, v in {
            "category": category, "severity": severity, "owner": owner, "next_step": next_step,
            "due": due.isoformat() if due else None, "known_issue": known_issue_id,
            "workaround": workaround}.items() if v is not None}
        if not changes:
            raise UsageError("a stand-up decision needs at least one change")
        with self._context.store().session() as session:
            self._standup(session, standup_id, open_only=True)
            ticket = _ticket(session, item_ref)
            undo: dict[str, Any] = {"decision_ids": [], "action_id": None,
                                    "known_issue_before": None}
            link = problems.known_issue_links([ticket.odoo_id], session=session).get(
                ticket.odoo_id)
            undo["known_issue_before"] = link.id if link else None
            odoo_id, ref, title = ticket.odoo_id, ticket.ref, ticket.title
        if category is not None or severity is not None:
            TriageService(self._context).decide(ref=item_ref, viewer=viewer, category=category,
                                                severity=severity, note=f"stand-up #{standup_id}")
            with self._context.store().session() as session:
                latest = session.exec(select(TriageDecision).where(
                    TriageDecision.ticket_odoo_id == odoo_id).order_by(
                    col(TriageDecision.id).desc())).first()
                undo["decision_ids"] = [latest.id] if latest else []
        known = KnownIssueService(self._context)
        if known_issue_id is not None:
            known.link(known_issue_id=known_issue_id, ref=item_ref, viewer=viewer)
        if workaround is not None:
            target = known_issue_id or undo["known_issue_before"]
            if target is None:
                raise UsageError(f"{item_ref} is not linked to a known issue to hold a workaround",
                                 hint="Link it first (known issue) and give the workaround.")
            known.set_workaround(known_issue_id=target, text=workaround, viewer=viewer)
        with self._context.store().session() as session:
            if owner is not None or next_step is not None:
                action = Action(standup_id=standup_id, subject=ref, text=next_step or "follow up",
                                owner=owner or "", due_date=due, created_at=now)
                session.add(action)
                session.flush()
                undo["action_id"] = action.id
            entry = StandupEntry(standup_id=standup_id, item_ref=ref, subject=f"ticket:{odoo_id}",
                                 changes=changes, undo=undo, decided_by=by, decided_at=now)
            session.add(entry)
            session.flush()
            assert entry.id is not None
            entry_id = entry.id
        self._note(odoo_id, entry_id, title, changes, by)
        return entry_id

    def undo_last(self, *, standup_id: int, viewer: Viewer) -> str:
        """Revert the stand-up's last decision if it is recent enough; returns its item."""
        self._context.access.require(viewer, "standup")
        now = self._context.clock()
        with self._context.store().session() as session:
            live = [e for e in problems.entries(standup_id, session=session) if not e.undone]
            if not live:
                raise HypercareError("nothing to undo in this stand-up")
            entry = live[-1]
            assert entry.decided_at is not None
            if now - entry.decided_at > timedelta(minutes=UNDO_MINUTES):
                raise HypercareError(f"the last decision ({entry.item_ref}) is older than "
                                     f"{UNDO_MINUTES} minutes and can no longer be undone",
                                     hint="Record a new decision instead.")
            for decision_id in entry.undo.get("decision_ids", []):
                row = session.get(TriageDecision, decision_id)
                if row is not None:
                    session.delete(row)
            if entry.undo.get("action_id"):
                action = session.get(Action, entry.undo["action_id"])
                if action is not None:
                    session.delete(action)
            entry.undone = True
            session.add(entry)
            odoo_id = int(entry.subject.split(":")[1])
            ref, before = entry.item_ref, entry.undo.get("known_issue_before")
            linked_now = "known_issue" in entry.changes
        from hypercare.services.problems.known_issues import KnownIssueService
        from hypercare.services.triage.classification import TriageService

        if linked_now:
            known = KnownIssueService(self._context)
            if before is None:
                known.unlink(ref=ref, viewer=viewer)
            else:
                known.link(known_issue_id=before, ref=ref, viewer=viewer)
        TriageService(self._context).classify_stored([odoo_id])
        return ref

    def end(self, *, standup_id: int, viewer: Viewer) -> StandupView:
        """Close the stand-up: minutes rendered, stored and queued for posting."""
        self._context.access.require(viewer, "standup")
        now = self._context.clock()
        with self._context.store().session() as session:
            row = self._standup(session, standup_id, open_only=True)
            assert row.since is not None and row.started_at is not None
            company, team = _unscope(row.scope)
            agenda = self._build(session, row.since, row.started_at, company, team)
            tickets = {e.item_ref: e for e in problems.entries(standup_id, session=session)
                       if not e.undone}
            confidential = _confidential_refs(session, tickets)
            decisions = [MinuteDecision(ref, AUDIENCE.title(_title(session, e.subject),
                                                            confidential=ref in confidential),
                                        ref in confidential,
                                        _describe(e.changes), e.decided_by, e.decided_at or now)
                         for ref, e in tickets.items()]
            actions = [OpenAction(a.id or 0, a.subject, a.text, a.owner, a.due_date)
                       for a in problems.open_actions(session=session)]
            row.minutes = render_minutes(agenda=agenda, decisions=decisions,
                                         attendees=row.attendees, open_actions=actions,
                                         started_at=row.started_at, ended_at=now)
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
            confidential=bool(r["confidential"]))
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

    def _standup(self, session: Session, standup_id: int, *, open_only: bool) -> Standup:
        row = session.get(Standup, standup_id)
        if row is None:
            raise HypercareError(f"no stand-up #{standup_id}")
        if open_only and row.ended_at is not None:
            raise HypercareError(f"stand-up #{standup_id} has ended")
        return row

    def _note(self, odoo_id: int, entry_id: int, title: str, changes: dict[str, Any],
              by: str) -> None:
        if self._context.settings.odoo.write_mode == "off":
            return
        from hypercare.services.outbox.writeback import WritebackService

        writeback = WritebackService(self._context)
        writeback.queue(
            ticket_odoo_id=odoo_id, operation="post_note",
            payload={"text": f"Hypercare stand-up decision by {by}: {_describe(changes)}"},
            key=f"standup-entry:{entry_id}")
        category = changes.get("category")
        if category and self._context.settings.triage.tag_writeback:
            writeback.queue(ticket_odoo_id=odoo_id, operation="add_tag",
                            payload={"tag": str(category).replace("_", " ")},
                            key=f"standup-tag:{entry_id}")


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


def _ticket(session: Session, ref: str) -> Ticket:
    from hypercare.store.tickets import find_ticket

    ticket = find_ticket(ref, session=session)
    if ticket is None:

        raise TicketNotFoundError(f"no synced ticket has the reference {ref!r}")
    return ticket


def _title(session: Session, subject: str) -> str:
    odoo_id = int(subject.split(":")[1])
    row = session.exec(select(Ticket.title).where(Ticket.odoo_id == odoo_id)).first()
    return row or ""


def _confidential_refs(session: Session, entries: dict[str, StandupEntry]) -> set[str]:
    ids = {int(e.subject.split(":")[1]): ref for ref, e in entries.items()}
    verdicts = classifications_for(ids, session=session)
    return {ids[i] for i, v in verdicts.items() if v.confidential}


def _describe(changes: dict[str, Any]) -> str:
    labels = {"category": "category", "severity": "severity", "owner": "owner",
              "next_step": "next step", "due": "due", "known_issue": "known issue",
              "workaround": "workaround"}
    parts = []
    for key, value in changes.items():
        shown = f"S{value}" if key == "severity" else (
            f"KI-{value}" if key == "known_issue" else str(value))
        parts.append(f"{labels.get(key, key)} -> {shown}")
    return "; ".join(parts)


def _view(row: Standup) -> StandupView:
    assert row.id is not None
    return StandupView(row.id, row.scope, row.started_at, row.ended_at, tuple(row.attendees),
                       row.minutes)
