"""Queries on issues raised from Slack."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from hypercare.store.tables import RaisedIssue, Ticket, TicketClassification


def raised_by_key(key: str, *, session: Session) -> RaisedIssue | None:
    return session.exec(select(RaisedIssue).where(RaisedIssue.idempotency_key == key)).first()


def queued_raises(*, limit: int, session: Session) -> list[RaisedIssue]:
    """Reports waiting for Odoo, oldest first."""
    return list(session.exec(select(RaisedIssue).where(RaisedIssue.state == "queued")
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
