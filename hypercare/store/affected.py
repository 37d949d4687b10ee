"""Queries on "also affected" signals: replies in a raised report's Slack thread from people
who may not raise tickets, held beside the ticket until a command-center lead sends them to
Odoo as an internal note or dismisses them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hypercare.errors import UsageError
from hypercare.store.batches import chunks
from hypercare.store.tables import AffectedSignal

#: What a signal can be: waiting for a lead, posted to Odoo as a note, or dismissed.
SIGNAL_STATES = ("held", "sent", "dismissed")
#: What a lead can decide about a held signal.
DECISIONS = ("sent", "dismissed")


def _by_event_key(event_key: str, *, session: Session) -> AffectedSignal | None:
    return session.exec(select(AffectedSignal)
                        .where(AffectedSignal.event_key == event_key)).first()


def add_signal(*, raised_id: int, ticket_odoo_id: int | None, who: str, who_name: str,
               text: str, event_key: str, at: datetime,
               session: Session) -> tuple[AffectedSignal, bool]:
    """Hold a signal from the Slack event ``event_key``; ``(row, True)`` when it is new, and
    the row stored before with ``False`` when Slack delivered that event again.

    Two deliveries at once (PostgreSQL) both pass the first read: the second insert fails on
    the unique key inside a savepoint, which leaves the caller's transaction usable, and the
    row the first one committed is read back."""
    found = _by_event_key(event_key, session=session)
    if found is not None:
        return found, False
    row = AffectedSignal(raised_id=raised_id, ticket_odoo_id=ticket_odoo_id, who=who,
                         who_name=who_name, text=text, event_key=event_key, created_at=at)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = _by_event_key(event_key, session=session)
        if found is None:  # not the unique key: some other constraint failed
            raise
        return found, False
    return row, True


def signals(*, ticket_odoo_ids: Collection[int] | None = None,
            raised_ids: Collection[int] | None = None,
            states: Collection[str] = ("held",), session: Session) -> list[AffectedSignal]:
    """Signals in one of ``states``, oldest first; only those of ``ticket_odoo_ids`` and of
    ``raised_ids`` when given (an empty collection matches nothing)."""
    statement = select(AffectedSignal).where(col(AffectedSignal.state).in_(list(states)))
    if raised_ids is not None:
        statement = statement.where(col(AffectedSignal.raised_id).in_(list(raised_ids)))
    if ticket_odoo_ids is None:
        rows = list(session.exec(statement))
    else:
        rows = []
        for chunk in chunks(ticket_odoo_ids):
            rows.extend(session.exec(
                statement.where(col(AffectedSignal.ticket_odoo_id).in_(chunk))))
    rows.sort(key=_oldest_first)
    return rows


def _oldest_first(row: AffectedSignal) -> tuple[datetime | None, int]:
    return row.created_at, row.id or 0


def signal_summary(ticket_odoo_ids: Collection[int], *,
                   session: Session) -> dict[int, tuple[int, tuple[str, ...]]]:
    """Per ticket with signals (in any state): how many distinct people signalled and their
    names, one per person (``who_name`` of their first signal, the Slack id when it was
    blank), in the order of their first signals. Tickets without signals are left out."""
    people: dict[int, dict[str, str]] = {}
    for chunk in chunks(ticket_odoo_ids):
        statement = (select(AffectedSignal.ticket_odoo_id, AffectedSignal.who,
                            AffectedSignal.who_name)
                     .where(col(AffectedSignal.ticket_odoo_id).in_(chunk))
                     .order_by(col(AffectedSignal.created_at), col(AffectedSignal.id)))
        for ticket_odoo_id, who, who_name in session.exec(statement):
            if ticket_odoo_id is not None:
                people.setdefault(ticket_odoo_id, {}).setdefault(who, who_name or who)
    return {ticket: (len(names), tuple(names.values())) for ticket, names in people.items()}


def get_signal(signal_id: int, *, session: Session) -> AffectedSignal | None:
    return session.get(AffectedSignal, signal_id)


def decide_signal(signal_id: int, *, state: str, by: str, at: datetime,
                  session: Session) -> AffectedSignal:
    """A lead's decision on a held signal: ``sent`` (posted to Odoo as a note) or
    ``dismissed``. Decided once: a signal already decided, or unknown, is a
    :class:`UsageError`, and two leads deciding at once cannot both win (compare-and-set on
    the state)."""
    if state not in DECISIONS:
        raise UsageError(f"{state!r} is not a decision on an affected signal",
                         hint=f"Decide {' or '.join(DECISIONS)}.")
    statement = (update(AffectedSignal)
                 .where(col(AffectedSignal.id) == signal_id,
                        col(AffectedSignal.state) == "held")
                 .values(state=state, decided_by=by, decided_at=at))
    changed = getattr(session.execute(statement), "rowcount", 0)
    row = session.get(AffectedSignal, signal_id, populate_existing=True)
    if row is None:
        raise UsageError(f"there is no affected signal {signal_id}",
                         hint="List the held signals again: it may have been removed.")
    if not changed:
        by_whom = f" by {row.decided_by}" if row.decided_by else ""
        raise UsageError(f"affected signal {signal_id} was already {row.state}{by_whom}",
                         hint="Only a held signal can be sent to Odoo or dismissed; "
                              "reload to see the decision.")
    return row


def attach_ticket(*, raised_id: int, ticket_odoo_id: int, session: Session) -> int:
    """The report ``raised_id`` reached Odoo as ``ticket_odoo_id``: its signals that had no
    ticket get it. Returns how many."""
    statement = (update(AffectedSignal)
                 .where(col(AffectedSignal.raised_id) == raised_id,
                        col(AffectedSignal.ticket_odoo_id).is_(None))
                 .values(ticket_odoo_id=ticket_odoo_id))
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)
