"""Queries behind the KPI board: ticket facts as columns, snapshots, adoption, exit records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from hypercare.store.batches import RowStream, stream_rows
from hypercare.store.tables import (
    AdoptionDaily,
    ExitRecord,
    KnownIssue,
    KnownIssueTicket,
    KpiSnapshot,
    SlaClock,
    Standup,
    StandupEntry,
    Ticket,
    TicketClassification,
)
from hypercare.store.tickets import upsert_rows

TICKET_COLUMNS = ("odoo_id", "company", "team", "assignee", "app", "category", "severity",
                  "created", "assigned", "first_response", "closed", "is_closed", "reopen_count",
                  "sla_state", "workaround", "tags")


def ticket_columns(*, session: Session) -> RowStream:
    """Every live ticket's KPI facts in one joined select: the columns of
    :data:`TICKET_COLUMNS` (``positions()`` gives where each is in a row), read one row at a
    time while ``session`` is open.

    The database computes times as epoch seconds (-1 when unknown) and fills missing text
    with "", so no per-value Python type processing runs and the caller can turn the rows
    into numpy arrays in one step. Tags come as raw JSON text (decoded by psycopg).
    """
    from sqlalchemy import Text, cast, func, type_coerce

    t = Ticket.__table__  # type: ignore[attr-defined]
    c = TicketClassification.__table__  # type: ignore[attr-defined]
    s = SlaClock.__table__  # type: ignore[attr-defined]
    k = KnownIssueTicket.__table__  # type: ignore[attr-defined]
    ki = KnownIssue.__table__  # type: ignore[attr-defined]
    sqlite = session.get_bind().dialect.name == "sqlite"

    def epoch(column: Any) -> Any:
        """Epoch seconds, or -1 when unknown (so every value is a plain float)."""
        if sqlite:  # stored as naive UTC text
            seconds = (func.julianday(type_coerce(column, Text)) - 2440587.5) * 86400.0
        else:  # date_part gives float8; extract gives numeric (slower to make and parse)
            seconds = func.date_part("epoch", column)
        return func.coalesce(seconds, -1.0)

    def text(column: Any) -> Any:
        return func.coalesce(column, "")

    values = {
        "odoo_id": t.c.odoo_id, "company": text(t.c.company), "team": text(t.c.team),
        "assignee": text(t.c.assignee), "app": text(c.c.app), "category": text(c.c.category),
        "severity": func.coalesce(c.c.severity, 3), "created": epoch(t.c.created_at),
        "assigned": epoch(t.c.assigned_at), "first_response": epoch(t.c.first_response_at),
        "closed": epoch(t.c.closed_at), "is_closed": t.c.is_closed,
        "reopen_count": func.coalesce(t.c.reopen_count, 0), "sla_state": text(s.c.state),
        "workaround": epoch(ki.c.workaround_at),
        "tags": type_coerce(t.c.tags, Text) if sqlite else cast(t.c.tags, Text),
    }
    statement = (
        select(*(values[name].label(name) for name in TICKET_COLUMNS))
        .select_from(t)
        .outerjoin(c, c.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(s, s.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(k, k.c.ticket_odoo_id == t.c.odoo_id)
        .outerjoin(ki, ki.c.id == k.c.known_issue_id)
        .where(t.c.deleted.is_(False), t.c.active.is_(True))
    )
    # the driver's own cursor: no Row objects; psycopg's binary protocol parses floats in C
    return stream_rows(statement, session=session, binary=True)


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


def clear_adoption(prefix: str, *, day: date, session: Session) -> None:
    """Drop the signals stored under ``<prefix>:<part>`` on ``day``: a read that gives them
    again replaces the day's set (a currency no company uses any more goes)."""
    from sqlalchemy import delete

    session.execute(delete(AdoptionDaily).where(
        col(AdoptionDaily.key).startswith(f"{prefix}:", autoescape=True),
        col(AdoptionDaily.day) == day))


def adoption_histories(prefix: str, *, since: date,
                       session: Session) -> dict[str, list[tuple[date, float]]]:
    """Every signal stored under ``<prefix>:<part>`` since ``since`` (money per currency:
    ``receivables_overdue_amount:EUR``), by part, each oldest first."""
    head = f"{prefix}:"
    statement = (sm_select(col(AdoptionDaily.key), col(AdoptionDaily.day),
                           col(AdoptionDaily.value))
                 .where(col(AdoptionDaily.key).startswith(head, autoescape=True),
                        col(AdoptionDaily.day) >= since)
                 .order_by(col(AdoptionDaily.key), col(AdoptionDaily.day)))
    found: dict[str, list[tuple[date, float]]] = {}
    for key, day, value in session.exec(statement):
        if value is not None:
            found.setdefault(key[len(head):], []).append((day, float(value)))
    return found


def standup_throughput(*, session: Session) -> list[tuple[date, int]]:
    """Items decided per day a stand-up started, oldest day first: one per (stand-up, item),
    however many fields were decided on it."""
    statement = (sm_select(Standup.started_at, StandupEntry.standup_id, StandupEntry.item_ref)
                 .join(StandupEntry, col(StandupEntry.standup_id) == col(Standup.id))
                 .distinct())
    counts: dict[date, int] = {}
    for started, _standup, _item in session.exec(statement):
        if started is not None:
            counts[started.date()] = counts.get(started.date(), 0) + 1
    return sorted(counts.items())


def exit_records(*, session: Session) -> dict[str, ExitRecord]:
    return {row.key: row for row in session.exec(sm_select(ExitRecord))}


def record_exit(key: str, *, done_on: date, done_by: str, note: str, now: datetime,
                session: Session) -> None:
    row = session.get(ExitRecord, key) or ExitRecord(key=key, done_on=done_on)
    row.done_on, row.done_by, row.note, row.recorded_at = done_on, done_by, note, now
    session.add(row)
