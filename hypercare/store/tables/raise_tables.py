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
