"""Queries behind the live ticket queue: one joined column select, and a cheap fingerprint.

Both run on the driver's own cursor with bound parameters (:mod:`hypercare.store.batches`:
no ORM objects, no Row objects, no per-value type processing), so the TUI can re-read a big
store every few seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Text, func, literal, select, type_coerce
from sqlmodel import Session

from hypercare.store.batches import RowStream, read_rows, stream_rows
from hypercare.store.tables import (
    AppState,
    Escalation,
    KnownIssue,
    KnownIssueTicket,
    SlaClock,
    SyncRun,
    Ticket,
    TicketClassification,
    TriageDecision,
    WritebackTask,
)

#: The columns of the rows :func:`queue_rows` returns, by name.
QUEUE_COLUMNS = (
    "odoo_id", "ref", "title", "company", "team", "app", "category", "severity", "sla_state",
    "sla_minutes_left", "sla_due_at", "assignee", "stage", "is_closed", "escalation_level",
    "known_issue", "confidential", "created_at", "updated_at", "partner_name", "partner_email",
    "sla_calendar",
)  # fmt: skip


def queue_rows(*, session: Session, open_only: bool = False) -> RowStream:
    """Every live ticket (not deleted, not archived), oldest first (the lowest Odoo id first
    among those created at the same moment, those without a time last), with its
    classification, SLA clock, known-issue link and escalation level: the columns of
    :data:`QUEUE_COLUMNS` (``positions()`` gives where each is in a row), read one row at a
    time while ``session`` is open.

    Missing text comes as "", a missing severity as 0, the known issue as ``KI-<id>`` (or
    ""). Booleans come as 0/1 (SQLite) or bools; times as ISO 8601 text with offset (SQLite)
    or aware datetimes (PostgreSQL), so the caller parses them with one cheap call each.
    """
    t = Ticket.__table__  # type: ignore[attr-defined]
    c = TicketClassification.__table__  # type: ignore[attr-defined]
    s = SlaClock.__table__  # type: ignore[attr-defined]
    k = KnownIssueTicket.__table__  # type: ignore[attr-defined]
    e = Escalation.__table__  # type: ignore[attr-defined]
    sqlite = session.get_bind().dialect.name == "sqlite"
    levels = (
        select(e.c.ticket_odoo_id.label("ticket"), func.max(e.c.level).label("level"))
        .where(e.c.ticket_odoo_id.is_not(None), e.c.status != "superseded")
        .group_by(e.c.ticket_odoo_id)
        .subquery()
    )

    def text(column: Any) -> Any:
        return func.coalesce(column, "")

    def when(column: Any) -> Any:
        if sqlite:  # naive UTC text: with its offset, fromisoformat gives aware datetimes
            return type_coerce(column, Text) + "+00:00"
        return func.timezone("UTC", column)

    values = {
        "odoo_id": t.c.odoo_id, "ref": text(t.c.ref), "title": text(t.c.title),
        "company": text(t.c.company), "team": text(t.c.team), "app": text(c.c.app),
        "category": text(c.c.category), "severity": func.coalesce(c.c.severity, 0),
        "sla_state": text(s.c.state), "sla_minutes_left": s.c.business_minutes_left,
        "sla_due_at": when(s.c.due_at), "assignee": text(t.c.assignee),
        "stage": text(t.c.stage), "is_closed": t.c.is_closed,
        "escalation_level": func.coalesce(levels.c.level, literal(0)),
        "known_issue": text(literal("KI-") + type_coerce(k.c.known_issue_id, Text)),
        "confidential": func.coalesce(c.c.confidential, False),
        "created_at": when(t.c.created_at), "updated_at": when(t.c.updated_at),
        "partner_name": text(t.c.partner_name), "partner_email": text(t.c.partner_email),
        "sla_calendar": text(s.c.calendar),
    }
    statement = (
        select(*(values[name].label(name) for name in QUEUE_COLUMNS))
        .select_from(t)
        .outerjoin(c, c.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(s, s.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(k, k.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(levels, levels.c.ticket == t.c.odoo_id)
        .where(t.c.deleted.is_(False), t.c.active.is_(True))
    )
    if open_only:
        statement = statement.where(t.c.is_closed.is_(False))
    return stream_rows(statement.order_by(t.c.created_at.is_(None), t.c.created_at,
                                          t.c.odoo_id), session=session)


def queue_fingerprint(*, session: Session) -> tuple[Any, ...]:
    """Aggregates that move whenever anything the queue shows may have changed: a sync run
    (its id and end, newest ``updated_at``, ticket count and id), a (re)classification, a
    sweep, an escalation or its acknowledgement/approval, a known-issue link, a triage
    decision (or its undo), a queued write-back (assignments show at once). One statement
    of scalar subqueries, nearly all answered from indexes."""
    t = Ticket.__table__  # type: ignore[attr-defined]
    c = TicketClassification.__table__  # type: ignore[attr-defined]
    s = SlaClock.__table__  # type: ignore[attr-defined]
    e = Escalation.__table__  # type: ignore[attr-defined]
    k = KnownIssueTicket.__table__  # type: ignore[attr-defined]
    ki = KnownIssue.__table__  # type: ignore[attr-defined]
    d = TriageDecision.__table__  # type: ignore[attr-defined]
    w = WritebackTask.__table__  # type: ignore[attr-defined]
    r = SyncRun.__table__  # type: ignore[attr-defined]
    parts = [
        select(func.count()).select_from(t), select(func.max(t.c.id)),
        select(func.max(t.c.updated_at)), select(func.max(r.c.id)),
        select(func.max(r.c.finished_at)), select(func.max(c.c.classified_at)),
        select(func.count()).select_from(c), select(func.max(s.c.evaluated_at)),
        select(func.count()).select_from(s), select(func.max(e.c.id)),
        select(func.max(e.c.acknowledged_at)), select(func.max(e.c.approved_at)),
        select(func.count()).select_from(e).where(e.c.status == "open"),
        select(func.count()).select_from(k), select(func.max(k.c.linked_at)),
        select(func.sum(k.c.known_issue_id)), select(func.max(ki.c.updated_at)),
        select(func.max(d.c.id)), select(func.count()).select_from(d), select(func.max(w.c.id)),
    ]
    statement = select(*(part.scalar_subquery() for part in parts))
    rows = read_rows(statement, session=session).rows
    return tuple(rows[0]) if rows else ()


def states_with_prefix(prefix: str, *, session: Session) -> list[tuple[str, str]]:
    """(key, value) of every app-state entry whose key starts with ``prefix``, by key."""
    from sqlmodel import col
    from sqlmodel import select as sm_select

    statement = (sm_select(AppState.key, AppState.value)
                 .where(col(AppState.key).startswith(prefix, autoescape=True))
                 .order_by(col(AppState.key)))
    return [(str(key), str(value)) for key, value in session.exec(statement)]


def delete_state(key: str, *, session: Session) -> bool:
    """Drop one app-state entry; False when there was none."""
    row = session.get(AppState, key)
    if row is None:
        return False
    session.delete(row)
    return True


def distinct_assignees(*, session: Session) -> Sequence[tuple[int, str]]:
    """(assignee Odoo id, name) pairs found on live tickets."""
    t = Ticket.__table__  # type: ignore[attr-defined]
    statement = (select(t.c.assignee_odoo_id, t.c.assignee).distinct()
                 .where(t.c.assignee_odoo_id.is_not(None), t.c.deleted.is_(False)))
    return [(int(i), str(name or "")) for i, name in session.connection().execute(statement)]
