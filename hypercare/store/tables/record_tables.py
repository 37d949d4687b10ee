"""Command-center records: known issues, decisions, backlog, stand-ups, actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from hypercare.store.tables.columns import utc_field


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
    workaround_at: datetime | None = utc_field()
    """When the first workaround was published (time-to-workaround)."""
    created_at: datetime | None = utc_field(nullable=False)
    updated_at: datetime | None = utc_field()
    closed_at: datetime | None = utc_field()


class KnownIssueTicket(SQLModel, table=True):
    """A ticket confirmed to be one more instance of a known issue."""

    __tablename__ = "known_issue_ticket"

    ticket_odoo_id: int = Field(primary_key=True)
    known_issue_id: int = Field(index=True, foreign_key="known_issue.id")
    linked_by: str = ""
    linked_at: datetime | None = utc_field(nullable=False)


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
    decided_at: datetime | None = utc_field()
    created_at: datetime | None = utc_field(nullable=False)


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
    created_at: datetime | None = utc_field(nullable=False)
    updated_at: datetime | None = utc_field()
    value: int | None = None
    """Business value 1-5 (None: not assessed yet)."""
    risk: int | None = None
    """Risk of leaving it 1-5 (None: not assessed yet)."""
    effort: str = ""
    """S, M, L or XL ("" not sized yet)."""
    closed_at: datetime | None = utc_field()
    """When it reached done, released or rejected (the backlog's week-over-week view)."""


class RecordLink(SQLModel, table=True):
    """A link between two records (decision -> ticket, backlog item -> known issue, ...)."""

    __tablename__ = "record_link"
    __table_args__ = (UniqueConstraint("source", "target", name="uq_record_link"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    """``decision:3``, ``backlog:7``."""
    target: str = Field(index=True)
    """``ticket:42``, ``known_issue:2``, ``decision:3``."""
    created_at: datetime | None = utc_field(nullable=False)


class Standup(SQLModel, table=True):
    """One daily triage stand-up."""

    id: int | None = Field(default=None, primary_key=True)
    scope: str = "all"
    timezone: str = "UTC"
    since: datetime | None = utc_field(nullable=False)
    started_at: datetime | None = utc_field(nullable=False)
    ended_at: datetime | None = utc_field()
    attendees: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    agenda: list[dict[str, Any]] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False))
    """The agenda as it stood when the stand-up started: each item's ref, kind, section,
    (masked) title, why, and whether it was carried over (did not fit its time box)."""
    minutes: str = ""


class StandupEntry(SQLModel, table=True):
    """What a stand-up decided on one item, one field at a time: the last value wins.

    Every change that led here (earlier values, undone ones) stays in
    :class:`StandupChange`, the item's history."""

    __tablename__ = "standup_entry"
    __table_args__ = (UniqueConstraint("standup_id", "item_ref", "field"),)

    id: int | None = Field(default=None, primary_key=True)
    standup_id: int = Field(index=True, foreign_key="standup.id")
    item_ref: str
    subject: str
    """``ticket:42``, ``known_issue:3``, ``decision:5``, ``action:7``."""
    field: str
    """``category``, ``severity``, ``owner``, ``next_step``, ``due``, ``known_issue``,
    ``workaround``, ``question``, ``backlog``."""
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    decided_by: str = ""
    decided_at: datetime | None = utc_field(nullable=False)


class StandupChange(SQLModel, table=True):
    """One decision recorded in a stand-up (one or more fields at once), with what it
    replaced so it can be undone: the history behind :class:`StandupEntry`."""

    __tablename__ = "standup_change"

    id: int | None = Field(default=None, primary_key=True)
    standup_id: int = Field(index=True, foreign_key="standup.id")
    item_ref: str
    subject: str
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    undo: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    decided_by: str = ""
    decided_at: datetime | None = utc_field(nullable=False)
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
    created_at: datetime | None = utc_field(nullable=False)
