"""Queries on issues raised from Slack: the reports, their Slack threads, and who raised
what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from hypercare.store.tables import RaisedIssue, Ticket, TicketClassification


def raised_by_key(key: str, *, session: Session) -> RaisedIssue | None:
    return session.exec(select(RaisedIssue).where(RaisedIssue.idempotency_key == key)).first()


def add_raised(row: RaisedIssue, *, session: Session) -> tuple[int, bool]:
    """Store a new report (insert first: a read-then-write transaction could deadlock on
    SQLite); ``(its id, True)``, or ``(the id of the report stored before under the same
    idempotency key, False)`` when this submit was raised before (a retry or a double click).

    The insert runs in a savepoint, so a duplicate leaves the caller's transaction usable
    (PostgreSQL aborts a transaction whose statement failed)."""
    try:
        with session.begin_nested():
            session.add(row)
        assert row.id is not None
        return row.id, True
    except IntegrityError:
        found = raised_by_key(row.idempotency_key, session=session)
        if found is None or found.id is None:  # not the unique key: some other constraint
            raise
        return found.id, False


def queued_raises(*, limit: int, stale_before: datetime,
                  session: Session) -> list[RaisedIssue]:
    """Reports waiting for Odoo, oldest first: queued ones, and ones left "creating" by a
    crash (not touched since ``stale_before``)."""
    waiting = or_(col(RaisedIssue.state) == "queued",
                  and_(col(RaisedIssue.state) == "creating",
                       col(RaisedIssue.updated_at) < stale_before))
    return list(session.exec(select(RaisedIssue).where(waiting)
                             .order_by(col(RaisedIssue.id)).limit(limit)))


def raised_ids_of(reporter: str, *, limit: int, session: Session) -> list[int]:
    """The ids of the reports the Slack user ``reporter`` raised, newest first, at most
    ``limit`` (none for an empty ``reporter``)."""
    if not reporter:
        return []
    statement = (select(RaisedIssue.id).where(RaisedIssue.reporter == reporter)
                 .order_by(col(RaisedIssue.created_at).desc(), col(RaisedIssue.id).desc())
                 .limit(limit))
    return [int(i) for i in session.exec(statement) if i is not None]


def raised_id_by_thread(channel: str, thread_ts: str, *, session: Session) -> int | None:
    """The report a Slack thread follows (the first one, should two share it); None when
    none does or ``channel`` or ``thread_ts`` is empty."""
    if not channel or not thread_ts:
        return None
    statement = (select(RaisedIssue.id)
                 .where(RaisedIssue.channel == channel, RaisedIssue.thread_ts == thread_ts)
                 .order_by(col(RaisedIssue.id)))
    found = session.exec(statement).first()
    return int(found) if found is not None else None


def count_resolved_locally(*, since: datetime | None = None, session: Session) -> int:
    """How many reports super-users resolved in Slack (since ``since`` when given)."""
    statement = select(func.count()).select_from(RaisedIssue).where(
        col(RaisedIssue.resolved_by) != "")
    if since is not None:
        statement = statement.where(col(RaisedIssue.resolved_at) >= since)
    return int(session.exec(statement).one())


def team_for_app(app: str, *, session: Session) -> int | None:
    """The Helpdesk team that handles most tickets of ``app`` (None when none is known)."""
    if not app:
        return None
    statement = (select(Ticket.team_odoo_id, func.count())
                 .join(TicketClassification,
                       col(TicketClassification.ticket_odoo_id) == col(Ticket.odoo_id))
                 .where(TicketClassification.app == app, col(Ticket.team_odoo_id).is_not(None))
                 .group_by(col(Ticket.team_odoo_id)).order_by(func.count().desc()).limit(1))
    found = session.exec(statement).first()
    return int(found[0]) if found and found[0] is not None else None
