"""Chatter and snapshots -> the per-ticket event log, and what the log implies.

Event kinds: ``created``, ``stage_changed`` (from, to), ``assigned`` (from, to),
``public_reply`` (internal author, visible to the customer), ``customer_message``,
``internal_note``, ``reopened``, ``closed``. Each row has a ``source_key`` so writing
it twice changes nothing: ``created``, ``msg:<id>``,
``trk:<message id>:<field>[:closed|:reopened]``, and ``snap:<field>:<timestamp>`` for
events derived from successive snapshots when ``mail.tracking.value`` is unreadable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hypercare.odoo import OdooMessage, OdooTicket, OdooTracking

MESSAGE_EVENT_KINDS = {
    "public_reply": "public_reply",
    "customer_message": "customer_message",
    "internal_note": "internal_note",
}
STAGE_FIELDS = {"stage_id", "Stage"}
USER_FIELDS = {"user_id", "Assigned to", "Assigned user"}


@dataclass(frozen=True)
class Snapshot:
    """What the store knew about a ticket before this page."""

    stage_id: int | None
    stage: str
    is_closed: bool
    assignee_id: int | None
    assignee: str


def _event(
    ticket_id: int,
    key: str,
    kind: str,
    at: datetime | None,
    *,
    actor: str = "",
    internal: bool = False,
    old: str = "",
    new: str = "",
    body: str = "",
) -> dict[str, Any]:
    return {
        "ticket_odoo_id": ticket_id,
        "source_key": key,
        "kind": kind,
        "at": at,
        "actor": actor,
        "actor_is_internal": internal,
        "from_value": old,
        "to_value": new,
        "body": body[:4000],
    }


def created_event(ticket: OdooTicket) -> dict[str, Any] | None:
    """The ``created`` event, from the ticket's create date."""
    if ticket.created_at is None:
        return None
    return _event(ticket.odoo_id, "created", "created", ticket.created_at,
                  actor=ticket.partner_name)


def message_events(
    messages: Iterable[OdooMessage], closed_stages: Mapping[int, bool]
) -> list[dict[str, Any]]:
    """Events from chatter messages and their tracking values."""
    rows: list[dict[str, Any]] = []
    for message in messages:
        if message.date is None or not message.ticket_id:
            continue
        actor = message.author.name if message.author else ""
        kind = MESSAGE_EVENT_KINDS.get(message.kind)
        if kind:
            rows.append(_event(message.ticket_id, f"msg:{message.id}", kind, message.date,
                               actor=actor, internal=message.author_is_internal,
                               body=message.body_text))
            continue
        for change in message.tracking:
            if change.field in STAGE_FIELDS:
                rows.append(_tracked(message, change, "stage_changed"))
                was = closed_stages.get(change.old_id or 0, False)
                now = closed_stages.get(change.new_id or 0, False)
                if now and not was:
                    rows.append(_tracked(message, change, "closed", ":closed"))
                elif was and not now:
                    rows.append(_tracked(message, change, "reopened", ":reopened"))
            elif change.field in USER_FIELDS:
                rows.append(_tracked(message, change, "assigned"))
    return rows


def _tracked(
    message: OdooMessage, change: OdooTracking, kind: str, suffix: str = ""
) -> dict[str, Any]:
    return _event(
        message.ticket_id, f"trk:{message.id}:{change.field}{suffix}", kind, message.date,
        actor=message.author.name if message.author else "",
        internal=message.author_is_internal, old=change.old_value, new=change.new_value,
    )


def snapshot_events(ticket: OdooTicket, before: Snapshot | None) -> list[dict[str, Any]]:
    """Stage and assignment events inferred by comparing the stored and the new snapshot.

    Used only where tracking values are unreadable. The time is the ticket's write date
    (the best Odoo tells without tracking), so these events are approximate.
    """
    at = ticket.updated_at
    if at is None:
        return []
    stamp = at.strftime("%Y%m%dT%H%M%S")
    tid = ticket.odoo_id
    stage = ticket.stage.name if ticket.stage else ""
    rows: list[dict[str, Any]] = []
    if before is None:
        if ticket.is_closed:
            rows.append(_event(tid, f"snap:closed:{stamp}", "closed", ticket.closed_at or at,
                               new=stage))
        return rows
    stage_id = ticket.stage.id if ticket.stage else None
    if stage_id != before.stage_id:
        rows.append(_event(tid, f"snap:stage:{stamp}", "stage_changed", at,
                           old=before.stage, new=stage))
        if ticket.is_closed and not before.is_closed:
            rows.append(_event(tid, f"snap:closed:{stamp}", "closed", at, old=before.stage,
                               new=stage))
        elif before.is_closed and not ticket.is_closed:
            rows.append(_event(tid, f"snap:reopened:{stamp}", "reopened", at,
                               old=before.stage, new=stage))
    assignee_id = ticket.assignee.id if ticket.assignee else None
    if assignee_id != before.assignee_id:
        rows.append(_event(tid, f"snap:user:{stamp}", "assigned", at, old=before.assignee,
                           new=ticket.assignee.name if ticket.assignee else ""))
    return rows


@dataclass(frozen=True)
class Derived:
    """What a ticket's event log implies."""

    first_response_at: datetime | None
    reopen_count: int


def derive(kinds_and_times: Iterable[tuple[str, datetime | None]]) -> Derived:
    """First response = the first public reply by an internal user; reopens counted."""
    first: datetime | None = None
    reopens = 0
    for kind, at in kinds_and_times:
        if kind == "public_reply" and at is not None and (first is None or at < first):
            first = at
        elif kind == "reopened":
            reopens += 1
    return Derived(first, reopens)
