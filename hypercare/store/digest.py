"""Queries behind the daily stand-up digest: tickets created or closed lately, and the
escalations nobody acknowledged, as plain column values (no ORM rows)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from hypercare.store.tables import Escalation, Ticket
from hypercare.store.tickets import aware_utc


class RecentTicket(NamedTuple):
    """A live ticket created or closed lately (times aware UTC; missing text as "")."""

    odoo_id: int
    company: str
    team: str
    is_closed: bool
    created_at: datetime | None
    closed_at: datetime | None


class AwaitingEscalation(NamedTuple):
    """An escalation nobody acknowledged (``open``); a known issue's or a decision's has no
    ticket, hence no company or team."""

    level: int
    ticket_odoo_id: int | None
    company: str | None
    team: str | None


def recent_tickets(since: datetime, *, session: Session) -> list[RecentTicket]:
    """Live tickets (not deleted, active) created or closed since ``since``: one column
    select."""
    t = Ticket.__table__  # type: ignore[attr-defined]
    statement = select(t.c.odoo_id, t.c.company, t.c.team, t.c.is_closed, t.c.created_at,
                       t.c.closed_at).where(
        t.c.deleted.is_(False), t.c.active.is_(True),
        (t.c.created_at >= since) | (t.c.closed_at >= since))
    return [RecentTicket(i, company or "", team or "", bool(closed), aware_utc(created),
                         aware_utc(ended))
            for i, company, team, closed, created, ended
            in session.connection().execute(statement)]


def awaiting_escalations(*, session: Session) -> list[AwaitingEscalation]:
    """Every escalation in status ``open`` with its ticket's company and team."""
    e, t = Escalation.__table__, Ticket.__table__  # type: ignore[attr-defined]
    statement = (select(e.c.level, e.c.ticket_odoo_id, t.c.company, t.c.team)
                 .select_from(e).outerjoin(t, t.c.odoo_id == e.c.ticket_odoo_id)
                 .where(e.c.status == "open"))
    return [AwaitingEscalation(int(level), None if ticket is None else int(ticket),
                               company, team)
            for level, ticket, company, team in session.connection().execute(statement)]
