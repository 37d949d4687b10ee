"""Issues raised from Slack: one row per report, keyed by the submit's idempotency key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel

from hypercare.store.tables.columns import utc_field


class RaisedIssue(SQLModel, table=True):
    """A report raised by a super-user; created in Odoo now or, when Odoo is down, later.

    ``state``: ``created`` (in Odoo), ``queued`` (Odoo unreachable: retried), ``kept`` (write
    mode off: kept in hypercare only), ``failed`` (Odoo refused it for good)."""

    __tablename__ = "raised_issue"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True)
    state: str = Field(default="queued", index=True)
    request: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    odoo_id: int | None = None
    reporter: str = ""
    """Who raised it (the Slack user id)."""
    channel: str = ""
    thread_ts: str = ""
    attempts: int = 0
    last_error: str = ""
    created_at: datetime | None = utc_field(nullable=False)
    updated_at: datetime | None = utc_field(nullable=False)
    thread_cursor: int = 0
    """The last event-log row (``ticket_event.id``) posted to the Slack thread."""
    pending_notes: list[dict[str, Any]] = Field(default_factory=list,
                                                sa_column=Column(JSON, nullable=False))
    """Thread replies received before the ticket existed in Odoo: posted as internal notes
    once it does (``{"key", "text"}``)."""
    resolved_by: str = ""
    """The super-user (Slack user id) who answered it in Slack: a training gap handled
    locally."""
    resolved_at: datetime | None = utc_field()


class SlackEventSeen(SQLModel, table=True):
    """A Slack event handled once: Slack retries (``X-Slack-Retry-Num``) and redeliveries
    repeat the ``event_id``, and the second insert fails."""

    __tablename__ = "slack_event_seen"

    event_id: str = Field(primary_key=True)
    kind: str = ""
    seen_at: datetime | None = utc_field(nullable=False)


class AffectedSignal(SQLModel, table=True):
    """A "me too" from someone who may not raise tickets, replying in a raised report's Slack
    thread: kept beside the ticket (not posted to Odoo) until a command-center lead sends it
    to Odoo as an internal note or dismisses it.

    ``state``: ``held`` (waiting for a lead), ``sent`` (a lead agreed: posted as a note),
    ``dismissed``. One row per Slack event (``event_key``), however often Slack retries."""

    __tablename__ = "affected_signal"

    id: int | None = Field(default=None, primary_key=True)
    raised_id: int = Field(index=True)
    """The report (``raised_issue.id``) whose thread the reply was in."""
    ticket_odoo_id: int | None = Field(default=None, index=True)
    """The report's Odoo ticket; None until the report reaches Odoo."""
    who: str
    """The Slack user id of the person affected."""
    who_name: str = ""
    """Their display name when the reply came."""
    text: str = ""
    """The reply, cleaned where it entered hypercare."""
    event_key: str = Field(unique=True)
    created_at: datetime | None = utc_field(nullable=False)
    state: str = "held"
    decided_by: str = ""
    decided_at: datetime | None = utc_field()
