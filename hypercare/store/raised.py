"""Queries on issues raised from Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from hypercare.store.tables import RaisedIssue, Ticket, TicketClassification


def raised_by_key(key: str, *, session: Session) -> RaisedIssue | None:
    return session.exec(select(RaisedIssue).where(RaisedIssue.idempotency_key == key)).first()


def queued_raises(*, limit: int, stale_before: datetime,
                  session: Session) -> list[RaisedIssue]:
    """Reports waiting for Odoo, oldest first: queued ones, and ones left "creating" by a
    crash (not touched since ``stale_before``)."""
    waiting = or_(col(RaisedIssue.state) == "queued",
                  and_(col(RaisedIssue.state) == "creating",
                       col(RaisedIssue.updated_at) < stale_before))
    return list(session.exec(select(RaisedIssue).where(waiting)
                             .order_by(col(RaisedIssue.id)).limit(limit)))


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
