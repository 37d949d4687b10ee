"""SQLModel tables: the local copy of Odoo's helpdesk and hypercare's own records.

Table names are singular nouns. Every change here needs an Alembic revision in
``hypercare/store/migrations/versions`` and a bump of ``schema.SCHEMA_REVISIONS``.
Odoo records keep Odoo's id as ``odoo_id`` (unique); hypercare's rows have their own ``id``.
"""

from hypercare.store.tables.alert_tables import (
    Escalation,
    OutboxMessage,
    SlackPost,
    SlaClock,
    WritebackTask,
)
from hypercare.store.tables.kpi_tables import (
    AdoptionDaily,
    ExitRecord,
    KpiSnapshot,
)
from hypercare.store.tables.odoo_copy import (
    Company,
    OdooUser,
    Stage,
    SyncCursor,
    SyncRun,
    Tag,
    Team,
    Ticket,
    TicketEvent,
)
from hypercare.store.tables.raise_tables import AffectedSignal, RaisedIssue, SlackEventSeen
from hypercare.store.tables.record_tables import (
    Action,
    BacklogItem,
    KnownIssue,
    KnownIssueTicket,
    PolicyDecision,
    RecordLink,
    Standup,
    StandupChange,
    StandupEntry,
)
from hypercare.store.tables.triage_tables import (
    AppState,
    JobRun,
    JobState,
    TicketClassification,
    TriageDecision,
)

__all__ = [
    "Action",
    "AdoptionDaily",
    "AffectedSignal",
    "AppState",
    "BacklogItem",
    "Company",
    "Escalation",
    "ExitRecord",
    "JobRun",
    "JobState",
    "KnownIssue",
    "KnownIssueTicket",
    "KpiSnapshot",
    "OdooUser",
    "OutboxMessage",
    "PolicyDecision",
    "RaisedIssue",
    "RecordLink",
    "SlaClock",
    "SlackEventSeen",
    "SlackPost",
    "Stage",
    "Standup",
    "StandupChange",
    "StandupEntry",
    "SyncCursor",
    "SyncRun",
    "Tag",
    "Team",
    "Ticket",
    "TicketClassification",
    "TicketEvent",
    "TriageDecision",
    "WritebackTask",
]
