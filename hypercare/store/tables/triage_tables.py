"""Hypercare's verdicts: classifications, leads' decisions, shared app state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from hypercare.store.tables.columns import utc_field


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
    classified_at: datetime | None = utc_field()


class TriageDecision(SQLModel, table=True):
    """A lead's decision on a ticket's category and/or severity: never overwritten."""

    __tablename__ = "triage_decision"

    id: int | None = Field(default=None, primary_key=True)
    ticket_odoo_id: int = Field(index=True)
    category: str | None = None
    severity: int | None = None
    decided_by: str
    decided_at: datetime | None = utc_field(nullable=False)
    note: str = ""


class AppState(SQLModel, table=True):
    """Small named values shared by every process on the store (e.g. the training cut-off)."""

    __tablename__ = "app_state"

    key: str = Field(primary_key=True)
    value: str
    updated_at: datetime | None = utc_field()


class JobState(SQLModel, table=True):
    """One named scheduled job: its schedule and how its runs went (``hypercare jobs list``)."""

    __tablename__ = "job_state"

    name: str = Field(primary_key=True)
    schedule: str = ""
    runs: int = 0
    failures: int = 0
    missed: int = 0
    last_started_at: datetime | None = utc_field()
    last_finished_at: datetime | None = utc_field()
    last_ok: bool | None = None
    last_result: str = ""
    running_since: datetime | None = utc_field()
    owner: str = ""
    """The process (host:pid) that ran it last."""
    holder: str = ""
    """The process (host:pid) holding the job's lease now ("" when nobody does)."""
    holder_command: str = ""
    """What that process is: ``serve``, ``bot``, ``tui`` or ``demo``."""
    held_since: datetime | None = utc_field()
    holder_beat_at: datetime | None = utc_field()
    """The holder's last heartbeat: a lease not renewed for two heartbeats is shown as stale."""


class JobRun(SQLModel, table=True):
    """One run of a named job, by the process that ran it (kept a week): what shows that no
    job ever ran in two processes at once."""

    __tablename__ = "job_run"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    host: str = ""
    pid: int = 0
    command: str = ""
    started_at: datetime = utc_field(nullable=False, index=True)
    finished_at: datetime | None = utc_field()
    ok: bool | None = None
    result: str = ""
