"""Queries on classifications and triage decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from hypercare.store.batches import rows_by_key
from hypercare.store.tables import AppState, Ticket, TicketClassification, TriageDecision
from hypercare.store.tickets import upsert_rows


def save_classifications(rows: Sequence[Mapping[str, Any]], *, session: Session) -> int:
    """Upsert classifier verdicts (the caller leaves human-decided fields as they are)."""
    return upsert_rows(TicketClassification, rows, session=session, key=("ticket_odoo_id",))


def classifications_for(
    odoo_ids: Iterable[int], *, session: Session
) -> dict[int, TicketClassification]:
    return rows_by_key(TicketClassification, TicketClassification.ticket_odoo_id, odoo_ids,
                       session=session)


def add_decision(decision: TriageDecision, *, session: Session) -> None:
    session.add(decision)


def newest_decision(odoo_id: int, *, session: Session) -> TriageDecision | None:
    """The ticket's newest decision (by time, then id), the one that applies last."""
    statement = (select(TriageDecision).where(TriageDecision.ticket_odoo_id == odoo_id)
                 .order_by(col(TriageDecision.decided_at).desc(), col(TriageDecision.id).desc())
                 .limit(1))
    return session.exec(statement).first()


def latest_decisions(*, through_id: int, session: Session) -> dict[int, TriageDecision]:
    """Per ticket, the latest decision that set a category, among decisions with
    ``id <= through_id`` (the training labels as of the last retrain)."""
    statement = (select(TriageDecision)
                 .where(col(TriageDecision.category).is_not(None),
                        col(TriageDecision.id) <= through_id)
                 .order_by(col(TriageDecision.decided_at), col(TriageDecision.id)))
    return {d.ticket_odoo_id: d for d in session.exec(statement)}


def last_decision_id(*, session: Session) -> int:
    """The id of the newest decision (0 when none)."""
    found = session.exec(select(func.max(TriageDecision.id))).one()
    return int(found or 0)


def get_state(key: str, *, session: Session) -> str | None:
    row = session.get(AppState, key)
    return row.value if row else None


def set_state(key: str, value: str, *, now: datetime, session: Session) -> None:
    row = session.get(AppState, key) or AppState(key=key, value=value)
    row.value = value
    row.updated_at = now
    session.add(row)


def decided(
    odoo_ids: Iterable[int], *, session: Session
) -> dict[int, tuple[TriageDecision | None, TriageDecision | None]]:
    """Per ticket, the latest decision on its category and the latest on its severity."""
    wanted = list(odoo_ids)
    found: dict[int, tuple[TriageDecision | None, TriageDecision | None]] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        statement = (select(TriageDecision)
                     .where(col(TriageDecision.ticket_odoo_id).in_(chunk))
                     .order_by(col(TriageDecision.decided_at), col(TriageDecision.id)))
        for decision in session.exec(statement):
            category, severity = found.get(decision.ticket_odoo_id, (None, None))
            if decision.category is not None:
                category = decision
            if decision.severity is not None:
                severity = decision
            found[decision.ticket_odoo_id] = (category, severity)
    return found


def ticket_texts(odoo_ids: Iterable[int], *, session: Session) -> dict[int, Ticket]:
    """Tickets by Odoo id (for their title, description, priority, type)."""
    return rows_by_key(Ticket, Ticket.odoo_id, odoo_ids, session=session)


def all_ticket_ids(*, session: Session) -> list[int]:
    return list(session.exec(select(Ticket.odoo_id).where(col(Ticket.deleted).is_(False))))
