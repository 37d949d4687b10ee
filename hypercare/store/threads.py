"""Queries behind the Slack threads that follow raised reports: the event-log rows a thread
has not been told yet, the Slack events already handled, a ticket's reference."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hypercare.store.tables import RaisedIssue, SlackEventSeen, Ticket, TicketEvent

ThreadEvents = tuple[RaisedIssue, Ticket, list[TicketEvent]]
"""A followed report, its ticket and the events its thread has not been told, oldest first."""


def unposted_thread_events(kinds: Collection[str], *, limit: int,
                           session: Session) -> list[ThreadEvents]:
    """Reports created in Odoo and followed in a Slack thread, with the event-log rows of
    ``kinds`` after their ``thread_cursor``: at most ``limit`` reports, by id."""
    statement = (
        select(RaisedIssue, Ticket, TicketEvent)
        .join(Ticket, col(Ticket.odoo_id) == col(RaisedIssue.odoo_id))
        .join(TicketEvent, col(TicketEvent.ticket_odoo_id) == col(RaisedIssue.odoo_id))
        .where(col(RaisedIssue.state) == "created", col(RaisedIssue.channel) != "",
               col(RaisedIssue.thread_ts) != "",
               col(TicketEvent.id) > col(RaisedIssue.thread_cursor),
               col(TicketEvent.kind).in_(list(kinds)))
        .order_by(col(RaisedIssue.id), col(TicketEvent.at), col(TicketEvent.id)))
    grouped: dict[int, ThreadEvents] = {}
    for raised, ticket, event in session.exec(statement):
        assert raised.id is not None
        if raised.id not in grouped:
            if len(grouped) >= limit:
                break
            grouped[raised.id] = (raised, ticket, [])
        grouped[raised.id][2].append(event)
    return list(grouped.values())


def mark_event_seen(event_id: str, *, kind: str, at: datetime, session: Session) -> bool:
    """Record the Slack event ``event_id`` as handled; False when it was before (Slack
    retries and redeliveries repeat the id, and the second insert fails).

    The insert runs in a savepoint, so a repeat leaves the caller's transaction usable
    (PostgreSQL aborts a transaction whose statement failed)."""
    try:
        with session.begin_nested():
            session.add(SlackEventSeen(event_id=event_id, kind=kind, seen_at=at))
    except IntegrityError:
        return False
    return True


def ticket_ref(odoo_id: int, *, session: Session) -> str | None:
    """The reference of the synced ticket with Odoo id ``odoo_id`` (None when not synced)."""
    found = session.exec(select(Ticket.ref).where(Ticket.odoo_id == odoo_id)).first()
    return str(found) if found is not None else None
