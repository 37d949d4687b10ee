"""SLA clocks, escalations, the outbox of messages and the write-back queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from hypercare.store.tables.columns import utc_field


class SlaClock(SQLModel, table=True):
    """Where a ticket's SLA clocks stood at the last sweep."""

    __tablename__ = "sla_clock"

    ticket_odoo_id: int = Field(primary_key=True)
    state: str = Field(index=True)
    """The resolution clock's state: on_track, at_risk, breached, met, paused."""
    due_at: datetime | None = utc_field()
    business_minutes_left: float | None = None
    worst_state: str = ""
    """The most urgent state over every target (breached > at_risk > paused > ...)."""
    clocks: list[dict[str, Any]] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False))
    """Every target: target, state, due_at (ISO), business_minutes_left, used_share, met_at
    (ISO, when the target was reached; None while it runs), always_open (a 24x7 calendar)."""
    policy: str = ""
    calendar: str = ""
    evaluated_at: datetime | None = utc_field()


class Escalation(SQLModel, table=True):
    """One escalation of a ticket (or known issue) to a level of the matrix."""

    __table_args__ = (UniqueConstraint("subject", "level", name="uq_escalation_level"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(index=True)
    """``ticket:<odoo id>`` (later also ``known_issue:<id>``)."""
    ticket_odoo_id: int | None = Field(default=None, index=True)
    level: int
    trigger: str
    """confirmed_s1, breach, at_risk, reopened_twice, no_ack."""
    trigger_key: str
    """The first trigger (made unique, e.g. ``breach:resolution``)."""
    triggers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Every trigger on record at this level, the first first: one escalation per subject and
    level, a later trigger is added here (and its message updated), never raised again."""
    status: str = Field(default="open", index=True)
    """open, acknowledged, pending_approval, baseline (already true when hypercare started
    watching: summarised once, never climbing), superseded."""
    notified: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime | None = utc_field(nullable=False)
    acknowledged_by: str = ""
    acknowledged_at: datetime | None = utc_field()
    approved_by: str = ""
    approved_at: datetime | None = utc_field()
    detail: str = ""
    claimed_by: str = ""
    """Who took it on (from a Slack alert's Claim button)."""
    claimed_at: datetime | None = utc_field()
    updated_at: datetime | None = utc_field()
    """When a later trigger was added."""


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
    """pending, sending (claimed by a deliverer), sent, dead, suppressed."""
    attempts: int = 0
    next_attempt_at: datetime | None = utc_field()
    last_error: str = ""
    reason: str = ""
    """Why it waits (quiet hours) or was suppressed (rate cap)."""
    created_at: datetime | None = utc_field(nullable=False)
    sent_at: datetime | None = utc_field()
    claimed_at: datetime | None = utc_field()
    """When a deliverer took it; "sending" long after means it died mid-delivery (in doubt)."""
    channel: str = ""
    """Where it was delivered (Slack channel id) and its message ``ts``."""
    slack_ts: str = ""


class SlackPost(SQLModel, table=True):
    """The Slack message that shows a record (an escalation, a known issue) to a recipient:
    later messages about the record update it in place; buttons log what people did."""

    __tablename__ = "slack_post"
    __table_args__ = (UniqueConstraint("subject", "recipient", name="uq_slack_post_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(index=True)
    """``escalation:12``, ``known_issue:3``, ``outbox:40`` (a message tracking nothing)."""
    recipient: str
    outbox_id: int | None = None
    """The outbox message it shows now (re-rendered when someone acts on it)."""
    channel: str
    ts: str
    activity: list[dict[str, Any]] = Field(default_factory=list,
                                           sa_column=Column(JSON, nullable=False))
    """What people did from the message: ``{"who", "what", "at"}``, oldest first."""
    updated_at: datetime | None = utc_field(nullable=False)


class WritebackTask(SQLModel, table=True):
    """A write to Odoo waiting to be made: retried with backoff, never lost while Odoo is down."""

    __tablename__ = "writeback"

    id: int | None = Field(default=None, primary_key=True)
    ticket_odoo_id: int = Field(index=True)
    operation: str
    """post_note, post_reply, add_tag, remove_tag, assign, close."""
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    idempotency_key: str = Field(unique=True)
    state: str = Field(default="pending", index=True)
    """pending, done, dead."""
    attempts: int = 0
    next_attempt_at: datetime | None = utc_field()
    last_error: str = ""
    created_at: datetime | None = utc_field(nullable=False)
    done_at: datetime | None = utc_field()
