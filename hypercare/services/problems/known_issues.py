"""Known issues: one problem behind many tickets, its workaround, its broadcasts.

Every status change and every new workaround queues a broadcast to the linked tickets'
reporters through the outbox (one row per reporter, idempotent per change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from hypercare.errors import HypercareError, TicketNotFoundError, UsageError
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.outbox import notifications
from hypercare.store import Session, alerts, problems
from hypercare.store.tables import KnownIssue, KnownIssueTicket, OutboxMessage, Ticket
from hypercare.store.tickets import find_ticket
from hypercare.triage.features import Features, featurize

STATUSES = ("investigating", "workaround_available", "fix_in_test", "fix_released", "closed")
KNOWN_ISSUE_STATUSES = STATUSES
BROADCAST_KIND = "known_issue_broadcast"


@dataclass(frozen=True)
class KnownIssueView:
    id: int
    ref: str
    title: str
    category: str
    severity: int
    status: str
    owner: str
    app: str
    workaround: str
    workaround_review_date: date | None
    workaround_at: datetime | None
    created_at: datetime | None
    linked: int
    companies: tuple[str, ...]
    ticket_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """A known issue a ticket may belong to (a lead confirms the link)."""

    known_issue_id: int
    ref: str
    title: str
    score: float
    status: str = ""
    workaround: str = ""
    """The known issue's workaround, when there is one (what a super-user can try now)."""


@dataclass(frozen=True)
class BroadcastView:
    """One broadcast of a known issue: a status change or a workaround, to every reporter."""

    at: datetime | None
    """When it was queued (the first of its messages)."""
    change: str
    """``status:<status>`` or ``workaround``."""
    recipients: int
    states: dict[str, int]
    """Messages per delivery state: pending, sent, dead, suppressed."""
    detail: str = ""
    """What the reporters are told happened (``status changed to ... by lea``)."""


class KnownIssueNotFoundError(HypercareError):
    default_hint = "List them with `hypercare known list`."


class KnownIssueService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def create(self, *, title: str, viewer: Viewer, category: str = "defect",
               severity: int = 3, owner: str = "", app: str = "", description: str = "",
               ticket_refs: tuple[str, ...] = ()) -> KnownIssueView:
        """A new known issue (leads), optionally linking tickets right away."""
        self._context.access.require(viewer, "known_issue")
        by = viewer.name
        now = self._context.clock()
        with self._context.store().session() as session:
            issue = KnownIssue(title=title, description=description, category=category,
                               severity=severity, owner=owner, app=app, created_at=now,
                               updated_at=now)
            session.add(issue)
            session.flush()
            assert issue.id is not None
            for ref in ticket_refs:
                self._link(session, issue.id, ref, by, now)
            issue_id = issue.id
        return self.show(known_issue_id=issue_id)

    def link(self, *, known_issue_id: int, ref: str, viewer: Viewer) -> None:
        """Confirm a ticket belongs to the known issue (moves it from any other)."""
        self._context.access.require(viewer, "link")
        now = self._context.clock()
        with self._context.store().session() as session:
            self._get(session, known_issue_id)
            self._link(session, known_issue_id, ref, viewer.name, now)

    def unlink(self, *, ref: str, viewer: Viewer) -> None:
        self._context.access.require(viewer, "known_issue")
        with self._context.store().session() as session:
            ticket = _ticket(session, ref)
            row = session.get(KnownIssueTicket, ticket.odoo_id)
            if row is not None:
                session.delete(row)

    def set_status(self, *, known_issue_id: int, status: str, viewer: Viewer) -> None:
        """Change the status (leads) and broadcast it to the reporters."""
        self._context.access.require(viewer, "known_issue")
        by = viewer.name
        if status not in STATUSES:
            raise UsageError(f"unknown status {status!r}",
                             hint=f"Use one of {', '.join(STATUSES)}.")
        now = self._context.clock()
        with self._context.store().session() as session:
            issue = self._get(session, known_issue_id)
            if issue.status == status:
                return
            issue.status, issue.updated_at = status, now
            if status in ("fix_released", "closed"):
                issue.closed_at = issue.closed_at or (now if status == "closed" else None)
            session.add(issue)
            self._broadcast(session, issue, f"status:{status}", now,
                            f"status changed to {status.replace('_', ' ')} by {by}")

    def set_workaround(self, *, known_issue_id: int, text: str, viewer: Viewer,
                       review_date: date | None = None) -> None:
        """Publish (or replace) the workaround (leads); the first one stamps
        time-to-workaround."""
        self._context.access.require(viewer, "known_issue")
        by = viewer.name
        now = self._context.clock()
        with self._context.store().session() as session:
            issue = self._get(session, known_issue_id)
            issue.workaround, issue.workaround_review_date = text, review_date
            issue.workaround_at = issue.workaround_at or now
            if issue.status == "investigating":
                issue.status = "workaround_available"
            issue.updated_at = now
            session.add(issue)
            self._broadcast(session, issue, f"workaround:{now.isoformat()}", now,
                            f"workaround published by {by}")

    def list_issues(self, *, include_closed: bool = False,
                    with_tickets: bool = False) -> list[KnownIssueView]:
        """Open known issues (and closed ones when asked); ``with_tickets`` adds each one's
        ticket refs and companies (a query per issue: there are few)."""
        with self._context.store().session() as session:
            counts = problems.linked_counts(session=session)
            return [self._view(session, issue, counts.get(issue.id or 0, 0),
                               with_refs=with_tickets)
                    for issue in problems.known_issues(session=session,
                                                       include_closed=include_closed)]

    def show(self, *, known_issue_id: int) -> KnownIssueView:
        with self._context.store().session() as session:
            issue = self._get(session, known_issue_id)
            return self._view(session, issue, 0, with_refs=True)

    def broadcasts(self, *, known_issue_id: int) -> list[BroadcastView]:
        """Every broadcast of the known issue, newest first, with its delivery states."""
        prefix = f"ki:{known_issue_id}:"
        grouped: dict[str, list[OutboxMessage]] = {}
        with self._context.store().session() as session:
            self._get(session, known_issue_id)
            for row in alerts.outbox_with_key_prefix(BROADCAST_KIND, prefix, session=session):
                grouped.setdefault(_change_of(row, prefix), []).append(row)
        views: list[tuple[int, BroadcastView]] = []
        for change, rows in grouped.items():
            states: dict[str, int] = {}
            for row in rows:
                states[row.state] = states.get(row.state, 0) + 1
            first = rows[0]
            views.append((first.id or 0, BroadcastView(
                at=first.created_at, recipients=len(rows), states=states,
                change="workaround" if change.startswith("workaround:") else change,
                detail=str(first.payload.get("detail", "")))))
        return [view for _, view in sorted(views, key=lambda pair: pair[0], reverse=True)]

    def suggest(self, *, title: str, description: str = "", app: str = "",
                limit: int = 3, floor: float = 0.25) -> list[Suggestion]:
        """Open known issues that look like this text (hashed n-gram cosine, plus app)."""
        probe = featurize(f"{title}\n{description}")
        with self._context.store().session() as session:
            candidates = problems.known_issues(session=session)
        scored = []
        for issue in candidates:
            assert issue.id is not None
            score = _cosine(probe, featurize(f"{issue.title}\n{issue.description}"))
            if app and issue.app and app.casefold() == issue.app.casefold():
                score += 0.1
            if score >= floor:
                scored.append(Suggestion(issue.id, f"KI-{issue.id}", issue.title, round(score, 3),
                                         status=issue.status, workaround=issue.workaround))
        return sorted(scored, key=lambda s: -s.score)[:limit]

    # -- helpers -----------------------------------------------------------------------------

    def _get(self, session: Session, known_issue_id: int) -> KnownIssue:
        issue = session.get(KnownIssue, known_issue_id)
        if issue is None:
            raise KnownIssueNotFoundError(f"no known issue KI-{known_issue_id}")
        return issue

    def _link(self, session: Session, known_issue_id: int, ref: str, by: str,
              now: datetime) -> None:
        ticket = _ticket(session, ref)
        row = session.get(KnownIssueTicket, ticket.odoo_id)
        if row is None:
            row = KnownIssueTicket(ticket_odoo_id=ticket.odoo_id, known_issue_id=known_issue_id)
        row.known_issue_id, row.linked_by, row.linked_at = known_issue_id, by, now
        session.add(row)

    def _broadcast(self, session: Session, issue: KnownIssue, change: str, now: datetime,
                   detail: str) -> None:
        assert issue.id is not None
        reporters = sorted({t.partner_email for t in problems.tickets_of(issue.id,
                                                                          session=session)
                            if t.partner_email})
        payload = {"known_issue": {"id": issue.id, "ref": f"KI-{issue.id}", "title": issue.title,
                                   "status": issue.status, "workaround": issue.workaround},
                   "detail": detail}
        for email in reporters:
            notifications.enqueue(session, self._context.settings,
                                  kind="known_issue_broadcast",
                                  key=f"ki:{issue.id}:{change}:{email}",
                                  recipient=f"email:{email}", payload=payload, now=now)

    def _view(self, session: Session, issue: KnownIssue, linked: int, *,
              with_refs: bool) -> KnownIssueView:
        assert issue.id is not None
        tickets = problems.tickets_of(issue.id, session=session) if with_refs else []
        companies = tuple(sorted({t.company for t in tickets if t.company}))
        return KnownIssueView(
            id=issue.id, ref=f"KI-{issue.id}", title=issue.title, category=issue.category,
            severity=issue.severity, status=issue.status, owner=issue.owner, app=issue.app,
            workaround=issue.workaround, workaround_review_date=issue.workaround_review_date,
            workaround_at=issue.workaround_at, created_at=issue.created_at,
            linked=len(tickets) if with_refs else linked, companies=companies,
            ticket_refs=tuple(t.ref for t in tickets))


def _ticket(session: Session, ref: str) -> Ticket:
    ticket = find_ticket(ref, session=session)
    if ticket is None:

        raise TicketNotFoundError(f"no synced ticket has the reference {ref!r}")
    return ticket


def _change_of(row: OutboxMessage, prefix: str) -> str:
    """``status:closed`` out of ``ki:3:status:closed:email@x``: the key less its recipient."""
    rest = row.idempotency_key.removeprefix(prefix)
    recipient = row.recipients[0].removeprefix("email:") if row.recipients else ""
    if recipient and rest.endswith(f":{recipient}"):
        return rest[: -len(recipient) - 1]
    return rest.rsplit(":", 1)[0]


def _cosine(a: Features, b: Features) -> float:
    if len(a.indices) == 0 or len(b.indices) == 0:
        return 0.0
    common, ia, ib = np.intersect1d(a.indices, b.indices, return_indices=True)
    if len(common) == 0:
        return 0.0
    return float(np.dot(a.values[ia], b.values[ib]))
