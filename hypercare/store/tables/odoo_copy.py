"""The local copy of Odoo: reference data, tickets, their event log, and the sync record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from hypercare.store.tables.columns import utc_field


class Company(SQLModel, table=True):
    """An Odoo company (site)."""

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    updated_at: datetime | None = utc_field()


class Team(SQLModel, table=True):
    """A helpdesk team (Enterprise ``helpdesk.team`` / OCA ``helpdesk.ticket.team``)."""

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    company_odoo_id: int | None = None
    active: bool = True
    updated_at: datetime | None = utc_field()


class Stage(SQLModel, table=True):
    """A helpdesk stage; ``is_closed`` is Enterprise ``fold`` or OCA ``closed``."""

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    sequence: int = 0
    is_closed: bool = False
    updated_at: datetime | None = utc_field()


class OdooUser(SQLModel, table=True):
    """An Odoo user (consultants, super-users, the technical user)."""

    __tablename__ = "odoo_user"

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    login: str = ""
    email: str = ""
    partner_odoo_id: int | None = None
    is_internal: bool = True
    active: bool = True
    updated_at: datetime | None = utc_field()


class Tag(SQLModel, table=True):
    """A helpdesk tag."""

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    updated_at: datetime | None = utc_field()


class Ticket(SQLModel, table=True):
    """The local copy of one Odoo helpdesk ticket, normalized across flavours."""

    __table_args__ = (
        Index("ix_ticket_open_company", "is_closed", "company_odoo_id"),
        Index("ix_ticket_updated", "updated_at", "odoo_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    ref: str = Field(index=True)
    title: str
    description: str = ""
    company_odoo_id: int | None = None
    company: str = ""
    team_odoo_id: int | None = None
    team: str = ""
    stage_odoo_id: int | None = None
    stage: str = ""
    is_closed: bool = False
    priority: int = 0
    priority_label: str = ""
    assignee_odoo_id: int | None = None
    assignee: str = ""
    partner_name: str = ""
    partner_email: str = ""
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ticket_type: str = ""
    odoo_category: str = ""
    channel: str = ""
    active: bool = True
    deleted: bool = False
    created_at: datetime | None = utc_field()
    updated_at: datetime | None = utc_field()
    assigned_at: datetime | None = utc_field()
    closed_at: datetime | None = utc_field()
    first_response_at: datetime | None = utc_field()
    reopen_count: int = 0
    odoo_sla_deadline: datetime | None = utc_field()
    odoo_sla_reached_late: bool = False
    url: str = ""
    synced_at: datetime | None = utc_field()
    needs_derive: bool = Field(default=False, index=True)
    """Set when the ticket or its log changed; cleared once derived state is recomputed."""


class TicketEvent(SQLModel, table=True):
    """One entry of a ticket's event log, from Odoo's chatter and tracking."""

    __tablename__ = "ticket_event"
    __table_args__ = (
        UniqueConstraint("ticket_odoo_id", "source_key", name="uq_ticket_event_source"),
        Index("ix_ticket_event_ticket_at", "ticket_odoo_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_odoo_id: int
    source_key: str
    """Origin (``msg:<id>``, ``trk:<id>``, ``snap:<n>``): makes upserts idempotent."""
    kind: str
    at: datetime | None = utc_field(nullable=False)
    actor: str = ""
    actor_is_internal: bool = False
    from_value: str = ""
    to_value: str = ""
    body: str = ""


class SyncCursor(SQLModel, table=True):
    """How far the incremental pull has read, per Odoo model."""

    __tablename__ = "sync_cursor"

    model: str = Field(primary_key=True)
    write_date: datetime | None = utc_field()
    last_id: int = 0
    updated_at: datetime | None = utc_field()


class SyncRun(SQLModel, table=True):
    """One run of ``hypercare sync``: what it read, what it cost, how it ended."""

    __tablename__ = "sync_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime | None = utc_field(nullable=False, index=True)
    finished_at: datetime | None = utc_field()
    status: str = Field(default="running", index=True)
    """``running``, ``ok``, ``failed`` or ``abandoned`` (its process died mid-run: found so
    at a later start, see :mod:`hypercare.sync.liveness`)."""
    reconcile: bool = False
    pages: int = 0
    rows: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rpc_calls: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    pull_seconds: float = 0.0
    derive_seconds: float = 0.0
    error: str = ""
    notes: str = ""
    heartbeat_at: datetime | None = utc_field()
    """Last sign of life: set at the start and as each page commits."""
    pid: int | None = None
    """The process running it, on :attr:`host`."""
    host: str = ""
