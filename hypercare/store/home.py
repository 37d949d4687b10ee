"""Queries behind the Slack App Home that no other store module holds: which company a
person's tickets belong to."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from hypercare.store.tables import Ticket


def company_of_partner(email: str, *, session: Session) -> str:
    """The company most tickets (not deleted) whose partner is ``email`` belong to (compared
    case-insensitively; ties: the first company by name); "" when none is known."""
    address = email.strip().lower()
    if not address:
        return ""
    statement = (select(Ticket.company, func.count()).where(
        func.lower(Ticket.partner_email) == address, col(Ticket.deleted).is_(False),
        Ticket.company != "").group_by(col(Ticket.company))
        .order_by(func.count().desc(), col(Ticket.company)).limit(1))
    found = session.exec(statement).first()
    return str(found[0]) if found else ""
