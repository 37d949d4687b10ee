"""Queries behind the KPI board: ticket facts as columns, snapshots, adoption, exit records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from hypercare.store.tables import (
    AdoptionDaily,
    ExitRecord,
    KnownIssue,
    KnownIssueTicket,
    KpiSnapshot,
    SlaClock,
    Ticket,
    TicketClassification,
)
from hypercare.store.tickets import upsert_rows

TICKET_COLUMNS = ("odoo_id", "company", "team", "assignee", "app", "category", "severity",
                  "created", "assigned", "first_response", "closed", "is_closed", "reopen_count",
                  "sla_state", "workaround", "tags")


def ticket_columns(*, session: Session) -> dict[str, list[Any]]:
    """Every live ticket's KPI facts in one joined select, as lists per column.

    Times come back as epoch seconds (None when unknown), so the caller can build
    numpy arrays without touching ORM objects.
    """
    t = Ticket.__table__  # type: ignore[attr-defined]
    c = TicketClassification.__table__  # type: ignore[attr-defined]
    s = SlaClock.__table__  # type: ignore[attr-defined]
    k = KnownIssueTicket.__table__  # type: ignore[attr-defined]
    ki = KnownIssue.__table__  # type: ignore[attr-defined]
    statement = (
        select(t.c.odoo_id, t.c.company, t.c.team, t.c.assignee, c.c.app, c.c.category,
               c.c.severity, t.c.created_at, t.c.assigned_at, t.c.first_response_at,
               t.c.closed_at, t.c.is_closed, t.c.reopen_count, s.c.state, ki.c.workaround_at,
               t.c.tags)
        .select_from(t)
        .outerjoin(c, c.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(s, s.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(k, k.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(ki, ki.c.id == k.c.known_issue_id)
        .where(t.c.deleted.is_(False), t.c.active.is_(True))
    )
    columns: dict[str, list[Any]] = {name: [] for name in TICKET_COLUMNS}
    names = TICKET_COLUMNS
    for row in session.connection().execute(statement):
        for name, value in zip(names, row, strict=True):
            columns[name].append(value)
    return columns


def save_snapshots(rows: Sequence[Mapping[str, Any]], *, session: Session) -> int:
    return upsert_rows(KpiSnapshot, rows, session=session, key=("day", "company", "key"))


def snapshot_history(key: str, *, company: str = "", since: date,
                     session: Session) -> list[tuple[date, float]]:
    statement = (sm_select(col(KpiSnapshot.day), col(KpiSnapshot.value))
                 .where(KpiSnapshot.key == key, KpiSnapshot.company == company,
                        col(KpiSnapshot.day) >= since)
                 .order_by(col(KpiSnapshot.day)))
    return [(day, float(value)) for day, value in session.exec(statement) if value is not None]


def save_adoption(rows: Sequence[Mapping[str, Any]], *, session: Session) -> int:
    return upsert_rows(AdoptionDaily, rows, session=session, key=("day", "key"))


def adoption_history(key: str, *, since: date, session: Session) -> list[tuple[date, float]]:
    statement = (sm_select(col(AdoptionDaily.day), col(AdoptionDaily.value))
                 .where(AdoptionDaily.key == key, col(AdoptionDaily.day) >= since)
                 .order_by(col(AdoptionDaily.day)))
    return [(day, float(value)) for day, value in session.exec(statement) if value is not None]


def exit_records(*, session: Session) -> dict[str, ExitRecord]:
    return {row.key: row for row in session.exec(sm_select(ExitRecord))}


def record_exit(key: str, *, done_on: date, done_by: str, note: str, now: datetime,
                session: Session) -> None:
    row = session.get(ExitRecord, key) or ExitRecord(key=key, done_on=done_on)
    row.done_on, row.done_by, row.note, row.recorded_at = done_on, done_by, note, now
    session.add(row)
