"""Queries on tickets, their event log and the reference tables.

Every function takes a keyword-only ``session``; the caller owns the transaction.
Upserts are idempotent (``INSERT ... ON CONFLICT DO UPDATE`` on both SQLite and
PostgreSQL), so re-reading a page never duplicates anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col

from hypercare.numbers import parse_id
from hypercare.store.sla_reads import (  # the SLA sweep's reads, re-exported for its callers
    SlaTicket as SlaTicket,
)
from hypercare.store.sla_reads import as_read as as_read
from hypercare.store.sla_reads import aware_utc as aware_utc
from hypercare.store.sla_reads import sla_tickets as sla_tickets
from hypercare.store.sla_reads import stage_changes as stage_changes
from hypercare.store.sla_reads import tickets_for_sla as tickets_for_sla
from hypercare.store.tables import Company, OdooUser, Stage, Tag, Team, Ticket, TicketEvent

#: Reference tables by the name the sync uses.
REFERENCE_TABLES: dict[str, type[SQLModel]] = {
    "company": Company,
    "team": Team,
    "stage": Stage,
    "user": OdooUser,
    "tag": Tag,
}

def upsert_rows(
    table: type[SQLModel],
    rows: Sequence[Mapping[str, Any]],
    *,
    session: Session,
    key: Sequence[str] = ("odoo_id",),
    skip_update: Iterable[str] = (),
) -> int:
    """Insert or update ``rows`` by ``key``; columns in ``skip_update`` keep their stored value."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = list(rows[0].keys())
    keep = set(key) | set(skip_update) | {"id"}
    sa_table = table.__table__  # type: ignore[attr-defined]
    # One fixed statement executed with many parameter sets: compiled once, batched by
    # SQLAlchemy ("insertmanyvalues"), and one prepared statement for the driver.
    statement = insert(sa_table)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: statement.excluded[name] for name in columns if name not in keep},
    )
    _execute_many(session, statement, sa_table, columns, rows)
    return len(rows)


def _execute_many(session: Session, statement: Any, table: Any, columns: Sequence[str],
                  rows: Sequence[Mapping[str, Any]]) -> None:
    """Run one compiled statement over many rows through the driver's ``executemany``.

    Same SQL and the same bind processing (each column type's public ``bind_processor``:
    UTC datetimes, JSON) as ``connection.execute(statement, rows)``, without SQLAlchemy's
    per-row parameter machinery, which cost more than the database itself on big pages.
    """
    connection = session.connection()
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    names = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
    defaults: dict[str, Any] = {}
    for name in names:
        if name in columns:
            continue
        default = table.c[name].default if name in table.c else None
        if default is None or not default.is_scalar:  # let SQLAlchemy work it out
            connection.execute(statement, [dict(row) for row in rows])
            return
        defaults[name] = default.arg
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in names]
    full = [{**defaults, **row} for row in rows] if defaults else rows
    values = _processed(full, names, processors)
    if compiled.positional:
        parameters: list[Any] = values
    else:
        parameters = [dict(zip(names, row, strict=True)) for row in values]
    connection.exec_driver_sql(str(compiled), parameters)


def _processed(rows: Sequence[Mapping[str, Any]], names: Sequence[str],
               processors: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Each row's values in ``names`` order, through the columns' bind processors. A value
    that is the very same object as the previous row's in that column (a sweep's
    ``evaluated_at``) is processed once."""
    if not names:
        return [() for _ in rows]
    pick = itemgetter(*names)
    single = len(names) == 1
    active = [(at, processor) for at, processor in enumerate(processors)
              if processor is not None]
    if not active:
        return [(pick(row),) if single else pick(row) for row in rows]
    seen: list[Any] = [_NOTHING] * len(names)
    made: list[Any] = [None] * len(names)
    found: list[tuple[Any, ...]] = []
    for row in rows:
        values = [pick(row)] if single else list(pick(row))
        for at, processor in active:
            value = values[at]
            if value is not seen[at]:
                seen[at], made[at] = value, processor(value)
            values[at] = made[at]
        found.append(tuple(values))
    return found


_NOTHING = object()


def upsert_reference(kind: str, rows: Sequence[Mapping[str, Any]], *, session: Session) -> int:
    """Upsert companies, teams, stages, users or tags."""
    return upsert_rows(REFERENCE_TABLES[kind], rows, session=session)


def upsert_tickets(rows: Sequence[Mapping[str, Any]], *, session: Session) -> int:
    """Upsert tickets; derived columns (first response, reopen count) are left as stored."""
    return upsert_rows(
        Ticket, rows, session=session, skip_update=("first_response_at", "reopen_count", "deleted")
    )


def insert_events(rows: Sequence[Mapping[str, Any]], *, session: Session) -> int:
    """Add event-log rows; a row already stored (same ticket and source) is updated in place."""
    return upsert_rows(TicketEvent, rows, session=session, key=("ticket_odoo_id", "source_key"))


StoredState = tuple[datetime | None, int | None, str, bool, int | None, str]


def ticket_snapshots(odoo_ids: Iterable[int], *, session: Session) -> dict[int, StoredState]:
    """Stored (updated_at, stage id, stage, closed, assignee id, assignee) per ticket."""
    wanted = list(odoo_ids)
    found: dict[int, StoredState] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        rows = session.execute(
            select(
                Ticket.odoo_id,  # type: ignore[call-overload]
                Ticket.updated_at,
                Ticket.stage_odoo_id,
                Ticket.stage,
                Ticket.is_closed,
                Ticket.assignee_odoo_id,
                Ticket.assignee,
            ).where(Ticket.odoo_id.in_(chunk))  # type: ignore[attr-defined]
        )
        for row in rows:
            found[row[0]] = (row[1], row[2], row[3], row[4], row[5], row[6])
    return found


def events_for(odoo_ids: Iterable[int], *, session: Session) -> dict[int, list[TicketEvent]]:
    """Each ticket's event log, oldest first."""
    wanted = list(odoo_ids)
    log: dict[int, list[TicketEvent]] = {odoo_id: [] for odoo_id in wanted}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        statement = (
            select(TicketEvent)
            .where(TicketEvent.ticket_odoo_id.in_(chunk))  # type: ignore[attr-defined]
            .order_by(TicketEvent.ticket_odoo_id, TicketEvent.at, TicketEvent.id)  # type: ignore[arg-type]
        )
        for event in session.scalars(statement):
            log[event.ticket_odoo_id].append(event)
    return log


def set_derived(rows: Sequence[Mapping[str, Any]], *, session: Session) -> None:
    """Store what the event logs say (``odoo_id``, ``first_response_at``, ``reopen_count``)
    and clear the tickets' ``needs_derive`` flags: one batched UPDATE."""
    if not rows:
        return
    table = Ticket.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.odoo_id == bindparam("key"))
        .values(first_response_at=bindparam("first"), reopen_count=bindparam("reopens"),
                needs_derive=False)
    )
    session.connection().execute(statement, [
        {"key": row["odoo_id"], "first": row["first_response_at"],
         "reopens": row["reopen_count"]} for row in rows
    ])


def event_summaries(
    odoo_ids: Iterable[int], *, session: Session
) -> dict[int, list[tuple[str, datetime | None]]]:
    """Each ticket's (kind, time) events, oldest first: what deriving needs, no ORM objects."""
    wanted = list(odoo_ids)
    found: dict[int, list[tuple[str, datetime | None]]] = {odoo_id: [] for odoo_id in wanted}
    table = TicketEvent.__table__  # type: ignore[attr-defined]
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        statement = (select(table.c.ticket_odoo_id, table.c.kind, table.c.at)
                     .where(table.c.ticket_odoo_id.in_(chunk))
                     .order_by(table.c.ticket_odoo_id, table.c.at, table.c.id))
        for odoo_id, kind, at in session.connection().execute(statement):
            found[odoo_id].append((kind, aware_utc(at)))
    return found


def flag_for_derive(odoo_ids: Iterable[int], *, session: Session) -> None:
    """Mark tickets whose event log grew, so their derived state is recomputed."""
    wanted = sorted(set(odoo_ids))
    for start in range(0, len(wanted), 5000):
        session.execute(
            update(Ticket)
            .where(Ticket.odoo_id.in_(wanted[start : start + 5000]))  # type: ignore[attr-defined]
            .values(needs_derive=True)
        )


def tickets_to_derive(*, session: Session) -> list[int]:
    """Tickets flagged by :func:`flag_for_derive` or by an upsert, oldest flag first."""
    statement = select(Ticket.odoo_id).where(Ticket.needs_derive == True)  # type: ignore[call-overload]  # noqa: E712
    return list(session.scalars(statement))


def mark_missing(present_ids: set[int], *, session: Session) -> list[int]:
    """Flag stored tickets Odoo no longer has as deleted (never dropped). Returns their ids."""
    stored = set(
        session.scalars(select(Ticket.odoo_id).where(Ticket.deleted == False))  # type: ignore[call-overload]  # noqa: E712
    )
    gone = sorted(stored - present_ids)
    for start in range(0, len(gone), 5000):
        chunk = gone[start : start + 5000]
        session.execute(
            update(Ticket).where(Ticket.odoo_id.in_(chunk)).values(deleted=True)  # type: ignore[attr-defined]
        )
    back = set(
        session.scalars(select(Ticket.odoo_id).where(Ticket.deleted == True))  # type: ignore[call-overload]  # noqa: E712
    ) & present_ids
    if back:
        session.execute(
            update(Ticket).where(Ticket.odoo_id.in_(sorted(back))).values(deleted=False)  # type: ignore[attr-defined]
        )
    return gone


def mark_archived(archived_ids: set[int], *, session: Session) -> None:
    """Record Odoo's ``active`` flag for tickets found archived during reconciliation."""
    if archived_ids:
        session.execute(
            update(Ticket).where(Ticket.odoo_id.in_(sorted(archived_ids))).values(active=False)  # type: ignore[attr-defined]
        )


def list_tickets(
    *,
    session: Session,
    open_only: bool = False,
    company: str | None = None,
    include_deleted: bool = False,
    include_archived: bool = False,
    limit: int | None = None,
) -> list[Ticket]:
    """Tickets, newest first, optionally only open ones or one company's (name or id).

    Archived tickets (``active`` false in Odoo) are left out unless asked for, as in Odoo.
    """
    statement = select(Ticket)
    if not include_archived:
        statement = statement.where(Ticket.active == True)  # type: ignore[arg-type]  # noqa: E712
    if open_only:
        statement = statement.where(Ticket.is_closed == False)  # type: ignore[arg-type]  # noqa: E712
    if not include_deleted:
        statement = statement.where(Ticket.deleted == False)  # type: ignore[arg-type]  # noqa: E712
    if company:
        statement = statement.where(_company_matches(company))
    statement = statement.order_by(Ticket.created_at.desc(), Ticket.odoo_id.desc())  # type: ignore[union-attr,attr-defined]
    if limit:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


@dataclass(frozen=True)
class ScopeNames:
    """The names a scope (``--company``, ``--team``) may take: those of synced tickets."""

    companies: tuple[tuple[str, int | None], ...]
    """Each distinct (company name, its Odoo id), by name."""
    teams: tuple[str, ...]
    """Each distinct team name, by name."""
    any_ticket: bool
    """False when no ticket is synced yet."""


def scope_names(*, session: Session) -> ScopeNames:
    """The companies and teams of the synced tickets: deleted tickets left out, archived ones
    kept (they can still be listed), blank names (no company or team in Odoo) left out.
    Sorted ignoring case, in Python (a database's collation would order them its own way)."""
    live = col(Ticket.deleted).is_(False)
    companies = sorted(
        ((str(name), odoo_id) for name, odoo_id in session.execute(
            select(col(Ticket.company), col(Ticket.company_odoo_id))
            .where(live, col(Ticket.company) != "").distinct())),
        key=lambda pair: (pair[0].casefold(), pair[0], pair[1] or 0))
    teams = sorted((str(team) for team in session.scalars(
        select(col(Ticket.team)).where(live, col(Ticket.team) != "").distinct())),
        key=lambda name: (name.casefold(), name))
    any_ticket = bool(companies or teams) or session.scalars(
        select(col(Ticket.odoo_id)).where(live).limit(1)).first() is not None
    return ScopeNames(tuple(companies), tuple(teams), any_ticket)


def _company_matches(company: str) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = [func.lower(Ticket.company) == company.lower()]
    if company.isdigit():
        clauses.append(Ticket.company_odoo_id == int(company))  # type: ignore[arg-type]
    return or_(*clauses)


def find_ticket(ref: str, *, session: Session) -> Ticket | None:
    """A ticket by its reference (``HT00042``, ``#42``) or Odoo id."""
    ticket = session.scalars(select(Ticket).where(Ticket.ref == ref)).first()  # type: ignore[arg-type]
    odoo_id = parse_id(ref.lstrip("#"))
    if ticket is None and odoo_id is not None:
        ticket = session.scalars(
            select(Ticket).where(Ticket.odoo_id == odoo_id)  # type: ignore[arg-type]
        ).first()
    return ticket


def count_tickets(*, session: Session) -> tuple[int, int]:
    """(live tickets, open live tickets): deleted and archived ones left out, as the queue
    leaves them out (:func:`hypercare.store.queue_rows.queue_rows`), so both say the same total."""
    live = select(func.count()).select_from(Ticket).where(
        Ticket.deleted == False, Ticket.active == True)  # type: ignore[arg-type]  # noqa: E712
    total = session.scalar(live)
    open_ = session.scalar(live.where(Ticket.is_closed == False))  # type: ignore[arg-type]  # noqa: E712
    return int(total or 0), int(open_ or 0)


def reported_by(email: str, *, limit: int, session: Session) -> list[Ticket]:
    """Tickets whose Odoo partner has ``email`` (case-insensitive, given folded): open ones
    first, newest first within each; deleted and archived ones left out."""
    statement = (
        select(Ticket)
        .where(func.lower(col(Ticket.partner_email)) == email,
               col(Ticket.deleted).is_(False), col(Ticket.active).is_(True))
        .order_by(col(Ticket.is_closed).asc(), col(Ticket.created_at).desc(),
                  col(Ticket.odoo_id).desc())
        .limit(limit))
    return list(session.scalars(statement))


def user_name(user_odoo_id: int, *, session: Session) -> str | None:
    """The synced Odoo user's name (None: not synced)."""
    name: str | None = session.scalars(select(col(OdooUser.name)).where(
        col(OdooUser.odoo_id) == user_odoo_id)).first()
    return name


def ticket_by_id(odoo_id: int, *, session: Session) -> Ticket | None:
    return session.scalars(select(Ticket).where(Ticket.odoo_id == odoo_id)).first()  # type: ignore[arg-type]
