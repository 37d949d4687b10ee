"""Queries on known issues, policy decisions, backlog items, links, stand-ups and actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from hypercare.errors import UsageError
from hypercare.numbers import parse_id
from hypercare.store.batches import chunks
from hypercare.store.tables import (
    Action,
    BacklogItem,
    KnownIssue,
    KnownIssueTicket,
    PolicyDecision,
    RecordLink,
    Standup,
    Ticket,
)


def known_issues(*, session: Session, include_closed: bool = False) -> list[KnownIssue]:
    statement = select(KnownIssue).order_by(col(KnownIssue.id))
    if not include_closed:
        statement = statement.where(KnownIssue.status != "closed")
    return list(session.exec(statement))


def linked_counts(*, session: Session, since: datetime | None = None) -> dict[int, int]:
    """Tickets linked per known issue (only links made since ``since`` when given)."""
    statement = select(KnownIssueTicket.known_issue_id, func.count()).group_by(
        col(KnownIssueTicket.known_issue_id))
    if since is not None:
        statement = statement.where(col(KnownIssueTicket.linked_at) >= since)
    return {int(k): int(n) for k, n in session.exec(statement)}


def tickets_of(known_issue_id: int, *, session: Session) -> list[Ticket]:
    statement = (select(Ticket).join(KnownIssueTicket,
                                     col(KnownIssueTicket.ticket_odoo_id) == col(Ticket.odoo_id))
                 .where(KnownIssueTicket.known_issue_id == known_issue_id)
                 .order_by(col(Ticket.odoo_id)))
    return list(session.exec(statement))


def known_issue_links(odoo_ids: Iterable[int], *, session: Session) -> dict[int, KnownIssue]:
    """The known issue each ticket is linked to: the links as plain pairs, then each issue
    they name loaded once."""
    wanted = list(odoo_ids)
    links: dict[int, int] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        statement = (select(KnownIssueTicket.ticket_odoo_id, KnownIssueTicket.known_issue_id)
                     .where(col(KnownIssueTicket.ticket_odoo_id).in_(chunk)))
        links.update({int(odoo_id): int(issue_id)
                      for odoo_id, issue_id in session.exec(statement)})
    if not links:
        return {}
    issues = {issue.id: issue for part in chunks(sorted(set(links.values())))
              for issue in session.exec(select(KnownIssue).where(col(KnownIssue.id).in_(part)))}
    return {odoo_id: issues[issue_id] for odoo_id, issue_id in links.items()
            if issue_id in issues}


def decisions(*, session: Session, status: str | None = None) -> list[PolicyDecision]:
    statement = select(PolicyDecision).order_by(col(PolicyDecision.due_date),
                                                col(PolicyDecision.id))
    if status:
        statement = statement.where(PolicyDecision.status == status)
    return list(session.exec(statement))


def backlog(*, session: Session) -> list[BacklogItem]:
    return list(session.exec(select(BacklogItem).order_by(col(BacklogItem.status),
                                                          col(BacklogItem.created_at))))


def link(source: str, target: str, *, now: datetime, session: Session) -> bool:
    """Link two records; False when the link existed."""
    exists = session.exec(select(RecordLink).where(RecordLink.source == source,
                                                   RecordLink.target == target)).first()
    if exists is not None:
        return False
    session.add(RecordLink(source=source, target=target, created_at=now))
    return True


def links_from(source: str, *, session: Session) -> list[str]:
    return list(session.exec(select(RecordLink.target).where(RecordLink.source == source)))


LINK_KINDS = ("ticket", "known_issue", "decision", "backlog")


def checked_link(text: str, *, kinds: tuple[str, ...] = LINK_KINDS) -> str:
    """``text`` when it names a record a link may point at (``ticket:42``, ``known_issue:3``,
    of ``kinds``); else a UsageError that shows the form."""
    kind, _, ident = text.partition(":")
    if kind not in kinds or parse_id(ident) is None:
        forms = " or ".join(f"{k}:{42 if k == 'ticket' else 3}" for k in kinds)
        raise UsageError(f"a link looks like {forms}, not {text!r}")
    return text


def last_standup(*, scope: str, session: Session) -> Standup | None:
    statement = (select(Standup).where(Standup.scope == scope, col(Standup.ended_at).is_not(None))
                 .order_by(col(Standup.ended_at).desc()).limit(1))
    return session.exec(statement).first()


def standup_on(day_start: datetime, day_end: datetime, *, session: Session) -> list[Standup]:
    statement = (select(Standup).where(col(Standup.started_at) >= day_start,
                                       col(Standup.started_at) < day_end)
                 .order_by(col(Standup.started_at)))
    return list(session.exec(statement))


def ticket_title(odoo_id: int, *, session: Session) -> str:
    return session.exec(select(Ticket.title).where(Ticket.odoo_id == odoo_id)).first() or ""


def open_actions(*, session: Session) -> list[Action]:
    return list(session.exec(select(Action).where(Action.status == "open")
                             .order_by(col(Action.due_date), col(Action.id))))


AGENDA_COLUMNS = (
    "odoo_id", "ref", "title", "company", "team", "is_closed", "created_at", "closed_at",
    "app", "category", "confidence", "severity", "severity_source", "confidential",
    "sla_state", "sla_due_at", "known_issue_id", "escalation_level", "awaiting_ack",
    "baseline_at",
)


def agenda_rows(since: datetime, *, session: Session) -> list[dict[str, Any]]:
    """What the stand-up agenda needs of every open or recently changed ticket: one joined
    column select (no ORM objects), escalations folded in per ticket (the highest level
    reached, whether one is open, when the newest still in ``baseline`` was recorded)."""
    from sqlalchemy import and_, case, literal
    from sqlalchemy import func as sa_func
    from sqlalchemy import select as sa_select

    from hypercare.store.tables import Escalation, SlaClock, TicketClassification
    from hypercare.store.tickets import aware_utc

    t = Ticket.__table__  # type: ignore[attr-defined]
    c = TicketClassification.__table__  # type: ignore[attr-defined]
    s = SlaClock.__table__  # type: ignore[attr-defined]
    k = KnownIssueTicket.__table__  # type: ignore[attr-defined]
    e = Escalation.__table__  # type: ignore[attr-defined]
    escalations = (
        sa_select(
            e.c.ticket_odoo_id.label("ticket"),
            sa_func.max(case((e.c.status != "pending_approval", e.c.level), else_=0))
            .label("level"),
            sa_func.max(case((and_(e.c.status == "open", ~e.c.trigger.like("at_risk%")), 1),
                             else_=0)).label("awaiting"),
            sa_func.max(case((e.c.status == "baseline", e.c.created_at), else_=None))
            .label("baseline_at"),
        ).where(e.c.ticket_odoo_id.is_not(None)).group_by(e.c.ticket_odoo_id).subquery())
    statement = (
        sa_select(
            t.c.odoo_id, t.c.ref, t.c.title, t.c.company, t.c.team, t.c.is_closed,
            t.c.created_at, t.c.closed_at, c.c.app, c.c.category, c.c.confidence, c.c.severity,
            c.c.severity_source, c.c.confidential, s.c.state, s.c.due_at,
            k.c.known_issue_id, sa_func.coalesce(escalations.c.level, literal(0)),
            sa_func.coalesce(escalations.c.awaiting, literal(0)), escalations.c.baseline_at,
        )
        .select_from(t)
        .outerjoin(c, c.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(s, s.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(k, k.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(escalations, escalations.c.ticket == t.c.odoo_id)
        .where(t.c.deleted.is_(False), t.c.active.is_(True),
               (t.c.is_closed.is_(False)) | (t.c.created_at >= since) | (t.c.closed_at >= since))
    )
    rows = []
    for values in session.connection().execute(statement, {}):
        row = dict(zip(AGENDA_COLUMNS, values, strict=True))
        for name in ("created_at", "closed_at", "sla_due_at", "baseline_at"):
            row[name] = aware_utc(row[name])
        rows.append(row)
    return rows
