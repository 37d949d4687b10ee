"""SQLModel tables: the local copy of Odoo's helpdesk and hypercare's own records.

Table names are singular nouns. Every change here needs an Alembic revision in
``hypercare/store/migrations/versions`` and a bump of ``schema.SCHEMA_REVISIONS``.
Odoo records keep Odoo's id as ``odoo_id`` (unique); hypercare's rows have their own ``id``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from hypercare.store.types import UTCDateTime


def _utc(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class Company(SQLModel, table=True):
    """An Odoo company (site)."""

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    updated_at: datetime | None = _utc()


class Team(SQLModel, table=True):
    """A helpdesk team (Enterprise ``helpdesk.team`` / OCA ``helpdesk.ticket.team``)."""

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    company_odoo_id: int | None = None
    active: bool = True
    updated_at: datetime | None = _utc()


class Stage(SQLModel, table=True):
    """A helpdesk stage; ``is_closed`` is Enterprise ``fold`` or OCA ``closed``."""

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    sequence: int = 0
    is_closed: bool = False
    updated_at: datetime | None = _utc()


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
    updated_at: datetime | None = _utc()


class Tag(SQLModel, table=True):
    """A helpdesk tag."""

    id: int | None = Field(default=None, primary_key=True)
    odoo_id: int = Field(unique=True)
    name: str
    updated_at: datetime | None = _utc()


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
    category: str = ""
    channel: str = ""
    active: bool = True
    deleted: bool = False
    created_at: datetime | None = _utc()
    updated_at: datetime | None = _utc()
    assigned_at: datetime | None = _utc()
    closed_at: datetime | None = _utc()
    first_response_at: datetime | None = _utc()
    reopen_count: int = 0
    odoo_sla_deadline: datetime | None = _utc()
    odoo_sla_reached_late: bool = False
    url: str = ""
    synced_at: datetime | None = _utc()
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
    at: datetime | None = _utc(nullable=False)
    actor: str = ""
    actor_is_internal: bool = False
    from_value: str = ""
    to_value: str = ""
    body: str = ""


class SyncCursor(SQLModel, table=True):
    """How far the incremental pull has read, per Odoo model."""

    __tablename__ = "sync_cursor"

    model: str = Field(primary_key=True)
    write_date: datetime | None = _utc()
    last_id: int = 0
    updated_at: datetime | None = _utc()


class SyncRun(SQLModel, table=True):
    """One run of ``hypercare sync``: what it read, what it cost, how it ended."""

    __tablename__ = "sync_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime | None = _utc(nullable=False, index=True)
    finished_at: datetime | None = _utc()
    status: str = "running"
    """``running``, ``ok`` or ``failed``."""
    reconcile: bool = False
    pages: int = 0
    rows: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rpc_calls: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    pull_seconds: float = 0.0
    derive_seconds: float = 0.0
    error: str = ""
    notes: str = ""


class TicketClassification(SQLModel, table=True):
    """The classifier's verdict on a ticket (or a lead's, when ``source`` is ``human``)."""

    __tablename__ = "ticket_classification"

    ticket_odoo_id: int = Field(primary_key=True)
    category: str = Field(index=True)
    """defect, training_gap, policy_ambiguity or unclassified."""
    guess: str
    confidence: float
    probabilities: dict[str, float] = Field(default_factory=dict,
                                            sa_column=Column(JSON, nullable=False))
    explanation: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str
    """rule, model or human."""
    severity: int
    severity_reasons: list[str] = Field(default_factory=list,
                                        sa_column=Column(JSON, nullable=False))
    severity_source: str = "auto"
    """auto, or human (then frozen)."""
    app: str = ""
    change_request: bool = False
    confidential: bool = False
    model_hash: str = ""
    classified_at: datetime | None = _utc()


class TriageDecision(SQLModel, table=True):
    """A lead's decision on a ticket's category and/or severity: never overwritten."""

    __tablename__ = "triage_decision"

    id: int | None = Field(default=None, primary_key=True)
    ticket_odoo_id: int = Field(index=True)
    category: str | None = None
    severity: int | None = None
    decided_by: str
    decided_at: datetime | None = _utc(nullable=False)
    note: str = ""


class AppState(SQLModel, table=True):
    """Small named values shared by every process on the store (e.g. the training cut-off)."""

    __tablename__ = "app_state"

    key: str = Field(primary_key=True)
    value: str
    updated_at: datetime | None = _utc()


class SlaClock(SQLModel, table=True):
    """Where a ticket's SLA clocks stood at the last sweep."""

    __tablename__ = "sla_clock"

    ticket_odoo_id: int = Field(primary_key=True)
    state: str = Field(index=True)
    """The resolution clock's state: on_track, at_risk, breached, met, paused."""
    due_at: datetime | None = _utc()
    business_minutes_left: float | None = None
    worst_state: str = ""
    """The most urgent state over every target (breached > at_risk > paused > ...)."""
    clocks: list[dict[str, Any]] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False))
    """Every target: target, state, due_at (ISO), business_minutes_left, used_share."""
    policy: str = ""
    calendar: str = ""
    evaluated_at: datetime | None = _utc()


class Escalation(SQLModel, table=True):
    """One escalation of a ticket (or known issue) to a level of the matrix."""

    __table_args__ = (UniqueConstraint("subject", "trigger_key", name="uq_escalation_trigger"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(index=True)
    """``ticket:<odoo id>`` (later also ``known_issue:<id>``)."""
    ticket_odoo_id: int | None = Field(default=None, index=True)
    level: int
    trigger: str
    """confirmed_s1, breach, at_risk, reopened_twice, no_ack."""
    trigger_key: str
    """The trigger made unique: nothing escalates twice for the same one."""
    status: str = Field(default="open", index=True)
    """open, acknowledged, pending_approval, superseded."""
    notified: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime | None = _utc(nullable=False)
    acknowledged_by: str = ""
    acknowledged_at: datetime | None = _utc()
    approved_by: str = ""
    approved_at: datetime | None = _utc()
    detail: str = ""


class OutboxMessage(SQLModel, table=True):
    """A proactive message to deliver: semantic payload, rendered and sent by the bot."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    """at_risk_batch, breach, escalation, confirmed_s1, approval_request, ..."""
    idempotency_key: str = Field(unique=True)
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", index=True)
    """pending, sent, dead, suppressed."""
    attempts: int = 0
    next_attempt_at: datetime | None = _utc()
    last_error: str = ""
    reason: str = ""
    """Why it waits (quiet hours) or was suppressed (rate cap)."""
    created_at: datetime | None = _utc(nullable=False)
    sent_at: datetime | None = _utc()


class WritebackTask(SQLModel, table=True):
    """A write to Odoo waiting to be made: retried with backoff, never lost while Odoo is down."""

    __tablename__ = "writeback"

    id: int | None = Field(default=None, primary_key=True)
    ticket_odoo_id: int = Field(index=True)
    operation: str
    """post_note, post_reply, add_tag, remove_tag, assign."""
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    idempotency_key: str = Field(unique=True)
    state: str = Field(default="pending", index=True)
    """pending, done, dead."""
    attempts: int = 0
    next_attempt_at: datetime | None = _utc()
    last_error: str = ""
    created_at: datetime | None = _utc(nullable=False)
    done_at: datetime | None = _utc()


class KnownIssue(SQLModel, table=True):
    """One problem behind many tickets, with its workaround."""

    __tablename__ = "known_issue"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    description: str = ""
    category: str = "defect"
    severity: int = 3
    status: str = Field(default="investigating", index=True)
    """investigating, workaround_available, fix_in_test, fix_released, closed."""
    owner: str = ""
    app: str = ""
    workaround: str = ""
    workaround_review_date: date | None = None
    workaround_at: datetime | None = _utc()
    """When the first workaround was published (time-to-workaround)."""
    created_at: datetime | None = _utc(nullable=False)
    updated_at: datetime | None = _utc()
    closed_at: datetime | None = _utc()


class KnownIssueTicket(SQLModel, table=True):
    """A ticket confirmed to be one more instance of a known issue."""

    __tablename__ = "known_issue_ticket"

    ticket_odoo_id: int = Field(primary_key=True)
    known_issue_id: int = Field(index=True, foreign_key="known_issue.id")
    linked_by: str = ""
    linked_at: datetime | None = _utc(nullable=False)


class PolicyDecision(SQLModel, table=True):
    """A policy question for a process owner, and its outcome."""

    __tablename__ = "policy_decision"

    id: int | None = Field(default=None, primary_key=True)
    question: str
    options: list[dict[str, str]] = Field(default_factory=list,
                                          sa_column=Column(JSON, nullable=False))
    """Each option with its impact: {"option": ..., "impact": ...}."""
    process_owner: str = ""
    due_date: date | None = None
    status: str = Field(default="open", index=True)
    """open or decided."""
    outcome: str = ""
    decided_by: str = ""
    decided_at: datetime | None = _utc()
    created_at: datetime | None = _utc(nullable=False)


class BacklogItem(SQLModel, table=True):
    """A continuous-improvement backlog item."""

    __tablename__ = "backlog_item"

    id: int | None = Field(default=None, primary_key=True)
    type: str
    """fix, decision, job_aid, enhancement."""
    title: str
    description: str = ""
    owner: str = ""
    status: str = Field(default="proposed", index=True)
    """proposed, approved, scheduled, in_test, released, done, rejected."""
    release_target: str = ""
    stabilization: bool = True
    """True: stabilization work; False: an enhancement."""
    created_at: datetime | None = _utc(nullable=False)
    updated_at: datetime | None = _utc()


class RecordLink(SQLModel, table=True):
    """A link between two records (decision -> ticket, backlog item -> known issue, ...)."""

    __tablename__ = "record_link"
    __table_args__ = (UniqueConstraint("source", "target", name="uq_record_link"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    """``decision:3``, ``backlog:7``."""
    target: str = Field(index=True)
    """``ticket:42``, ``known_issue:2``, ``decision:3``."""
    created_at: datetime | None = _utc(nullable=False)


class Standup(SQLModel, table=True):
    """One daily triage stand-up."""

    id: int | None = Field(default=None, primary_key=True)
    scope: str = "all"
    timezone: str = "UTC"
    since: datetime | None = _utc(nullable=False)
    started_at: datetime | None = _utc(nullable=False)
    ended_at: datetime | None = _utc()
    attendees: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    minutes: str = ""


class StandupEntry(SQLModel, table=True):
    """A decision taken on one agenda item, with what it replaced (so it can be undone)."""

    __tablename__ = "standup_entry"

    id: int | None = Field(default=None, primary_key=True)
    standup_id: int = Field(index=True, foreign_key="standup.id")
    item_ref: str
    subject: str
    """``ticket:42``, ``known_issue:3``, ``decision:5``, ``action:7``."""
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    undo: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    decided_by: str = ""
    decided_at: datetime | None = _utc(nullable=False)
    undone: bool = False


class Action(SQLModel, table=True):
    """An open action from a stand-up: who does what by when."""

    id: int | None = Field(default=None, primary_key=True)
    standup_id: int | None = Field(default=None, index=True)
    subject: str = ""
    text: str
    owner: str = ""
    due_date: date | None = None
    status: str = Field(default="open", index=True)
    created_at: datetime | None = _utc(nullable=False)


class KpiSnapshot(SQLModel, table=True):
    """One KPI's value on one day (the command center's timezone), per company ("" = all)."""

    __tablename__ = "kpi_snapshot"
    __table_args__ = (UniqueConstraint("day", "company", "key", name="uq_kpi_snapshot"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    company: str = ""
    key: str
    value: float | None = None
    unit: str = ""
    taken_at: datetime | None = _utc(nullable=False)


class AdoptionDaily(SQLModel, table=True):
    """An adoption or business signal from Odoo on one local day."""

    __tablename__ = "adoption_daily"
    __table_args__ = (UniqueConstraint("day", "key", name="uq_adoption_daily"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    key: str
    value: float | None = None
    taken_at: datetime | None = _utc(nullable=False)


class ExitRecord(SQLModel, table=True):
    """A milestone reached or a sign-off given, for the exit criteria."""

    __tablename__ = "exit_record"

    key: str = Field(primary_key=True)
    done_on: date
    done_by: str = ""
    note: str = ""
    recorded_at: datetime | None = _utc(nullable=False)
