"""What the SLA sweep reads: the tickets to evaluate (as plain values), their stage changes.

Read as the driver gives them (:func:`as_read`), without per-value result processing: the
sweep reads 100,000 open tickets every minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import or_, select, type_coerce
from sqlalchemy.sql.sqltypes import NullType
from sqlmodel import Session, col

from hypercare.store.tables import Ticket, TicketEvent


def aware_utc(value: Any) -> datetime | None:
    """A datetime read by a Core select (naive UTC on SQLite, text on some drivers) as an
    aware UTC datetime, the way :class:`UTCDateTime` returns it to the ORM."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    moment: datetime = value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stage_changes(odoo_ids: Iterable[int], *, session: Session
                  ) -> dict[int, list[tuple[datetime, str]]]:
    """Each ticket's (time, new stage) changes, oldest first (for SLA pauses)."""
    wanted = list(odoo_ids)
    found: dict[int, list[tuple[datetime, str]]] = {odoo_id: [] for odoo_id in wanted}
    table = TicketEvent.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        statement = (select(table.c.ticket_odoo_id, as_read(table.c.at), table.c.to_value)
                     .where(table.c.ticket_odoo_id.in_(chunk),
                            table.c.kind == "stage_changed")
                     .order_by(table.c.ticket_odoo_id, table.c.at, table.c.id))
        for odoo_id, at, stage in connection.execute(statement).fetchall():
            moment = aware_utc(at)
            if moment is not None:
                found[odoo_id].append((moment, stage))
    return found


def as_read(column: Any) -> Any:
    """``column`` as the driver reads it (naive UTC text on SQLite, a datetime on
    PostgreSQL), for :func:`aware_utc`: without the per-value work of its column type's
    result processing, which costs more than the database on 100,000 rows."""
    return type_coerce(column, _RAW).label(column.key)


_RAW = NullType()


def tickets_for_sla(*, closed_since: datetime, refs: Sequence[str] | None = None,
                    session: Session) -> list[Ticket]:
    """Open tickets, and those closed since ``closed_since`` (their clocks settle once);
    only those of ``refs`` when given. (:func:`sla_tickets` reads the same tickets, with the
    same conditions, as plain values.)"""
    statement = select(Ticket).where(
        Ticket.deleted == False,  # type: ignore[arg-type]  # noqa: E712
        Ticket.active == True,  # type: ignore[arg-type]  # noqa: E712
        or_(col(Ticket.is_closed).is_(False), col(Ticket.closed_at) >= closed_since),
    )
    if refs is not None:
        statement = statement.where(col(Ticket.ref).in_(list(refs)))
    return list(session.scalars(statement))


class SlaTicket(NamedTuple):
    """What an SLA sweep reads of one ticket and its classification: plain values, no ORM
    object. The classification's fields are None when the ticket is not classified."""

    odoo_id: int
    company: str
    team: str
    ticket_type: str
    is_closed: bool
    created_at: datetime | None
    closed_at: datetime | None
    first_response_at: datetime | None
    reopen_count: int
    odoo_sla_deadline: datetime | None
    odoo_sla_reached_late: bool
    severity: int | None
    """The classification's severity, 1 (S1) .. 4."""
    severity_source: str | None
    category: str | None
    app: str | None


def sla_tickets(*, closed_since: datetime, refs: Sequence[str] | None = None,
                session: Session) -> list[SlaTicket]:
    """The tickets of :func:`tickets_for_sla` (open ones, and those closed since
    ``closed_since``; only those of ``refs`` when given), with the same conditions, and
    their classifications, as the plain values a sweep needs: one joined column select, no
    ORM objects."""
    from hypercare.store.tables import TicketClassification

    t = Ticket.__table__  # type: ignore[attr-defined]
    c = TicketClassification.__table__  # type: ignore[attr-defined]
    statement = select(
        t.c.odoo_id, t.c.company, t.c.team, t.c.ticket_type, t.c.is_closed,
        as_read(t.c.created_at), as_read(t.c.closed_at), as_read(t.c.first_response_at),
        t.c.reopen_count, as_read(t.c.odoo_sla_deadline), t.c.odoo_sla_reached_late,
        c.c.severity, c.c.severity_source, c.c.category, c.c.app,
    ).select_from(t.outerjoin(c, c.c.ticket_odoo_id == t.c.odoo_id)).where(
        t.c.deleted == False, t.c.active == True,  # noqa: E712
        or_(t.c.is_closed.is_(False), t.c.closed_at >= closed_since))
    if refs is not None:
        statement = statement.where(t.c.ref.in_(list(refs)))
    made = SlaTicket._make
    return [made((odoo_id, company, team, kind, bool(closed), aware_utc(created),
                  aware_utc(closed_at), aware_utc(first), reopens, aware_utc(deadline),
                  bool(late), *verdict))
            for (odoo_id, company, team, kind, closed, created, closed_at, first, reopens,
                 deadline, late, *verdict) in session.connection().execute(statement)
            .fetchall()]
