"""The outbox: every proactive message is first a row with a semantic payload.

Services only enqueue (in the same transaction as the decision that caused the
message); the bot renders and delivers. An idempotency key per message means a
re-run never enqueues twice, and a crash never loses a decision's message.
Per recipient, alert-fatigue rules apply: quiet hours defer, the hourly cap holds back
(the row stays ``suppressed``, with its reason) and what it held back goes out as one
roll-up message per recipient per hour, so nothing is invisible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hypercare.config import Settings
from hypercare.services.access import AUDIENCE, Viewer
from hypercare.store import Session, alerts
from hypercare.store.tables import OutboxMessage
from hypercare.triage.fatigue import batch_window, parse_quiet_hours, plan_delivery

ROLLUP_KIND = "escalation_rollup"
BASELINE_KIND = "escalation_baseline"
ROLLUP_MINUTES = 60


@dataclass(frozen=True)
class OutboxView:
    """One outbox row, for listings."""

    id: int
    kind: str
    idempotency_key: str
    recipients: tuple[str, ...]
    state: str
    attempts: int
    next_attempt_at: datetime | None
    reason: str
    last_error: str
    created_at: datetime | None
    payload: dict[str, Any]

    def about(self, *, viewer: Viewer) -> str:
        """What the message is about, for a listing's "About" column (the TUI's suppressed
        alerts): :func:`about_text`."""
        return about_text(self.kind, self.payload, viewer=viewer)


def enqueue(
    session: Session,
    settings: Settings,
    *,
    kind: str,
    key: str,
    recipient: str,
    payload: dict[str, Any],
    now: datetime,
    urgent: bool = False,
    capped: bool = True,
    zone: str | None = None,
) -> OutboxMessage | None:
    """Queue one message to one recipient unless ``key`` is already queued. ``urgent``: no
    quiet hours and no cap; ``capped=False``: no cap. One the cap holds back joins the
    recipient's roll-up for this hour.

    Returns the new row, or None when the key exists (nothing is sent twice).
    """
    if alerts.outbox_by_key(key, session=session) is not None:
        return None
    escalation = settings.escalation
    delivery = plan_delivery(
        now=now,
        urgent=urgent,
        sent_last_hour=alerts.sent_since(recipient, now - timedelta(hours=1), session=session),
        max_per_hour=escalation.max_per_hour,
        quiet=parse_quiet_hours(escalation.quiet_hours),
        zone=zone or settings.timezone,
        capped=capped,
    )
    row = OutboxMessage(kind=kind, idempotency_key=key, recipients=[recipient],
                        payload=payload, state=delivery.state,
                        next_attempt_at=delivery.not_before, reason=delivery.reason,
                        created_at=now)
    session.add(row)
    session.flush()
    if row.state == "suppressed":
        _roll_up(session, settings, row, recipient=recipient, now=now, zone=zone)
    return row


def _roll_up(session: Session, settings: Settings, held: OutboxMessage, *, recipient: str,
             now: datetime, zone: str | None) -> None:
    """Add a message the cap held back to the recipient's roll-up of this hour (one message,
    sent when the hour ends); the held-back row says which roll-up covers it."""
    window = batch_window(now, ROLLUP_MINUTES)
    key = f"rollup:{recipient}:{window.isoformat()}"
    item = rollup_item(held)
    rollup = alerts.outbox_by_key(key, session=session)
    if rollup is None:
        rollup = enqueue(session, settings, kind=ROLLUP_KIND, key=key, recipient=recipient,
                         payload={"since": window.isoformat(), "items": [item]}, now=now,
                         capped=False, zone=zone)
        assert rollup is not None
        end = window + timedelta(minutes=ROLLUP_MINUTES)
        rollup.next_attempt_at = max(rollup.next_attempt_at or end, end)
    elif rollup.state == "pending":
        rollup.payload = {**rollup.payload, "items": [*rollup.payload.get("items", []), item]}
    else:  # the hour's roll-up already went: the next hour's takes it
        return _roll_up(session, settings, held, recipient=recipient,
                        now=window + timedelta(minutes=ROLLUP_MINUTES), zone=zone)
    session.add(rollup)
    session.flush()
    held.reason = f"{held.reason}; in roll-up #{rollup.id}"
    session.add(held)


def rollup_item(row: OutboxMessage) -> dict[str, Any]:
    """What a roll-up (or a baseline summary) says of one message: its kind, what it is
    about, and for escalations the ticket, level and triggers."""
    payload = row.payload
    item: dict[str, Any] = {"key": row.idempotency_key, "kind": row.kind,
                            "about": about_text(row.kind, payload, viewer=AUDIENCE)}
    ticket = payload.get("ticket")
    if isinstance(ticket, dict):
        item["ticket"] = {"odoo_id": ticket.get("odoo_id"), "ref": ticket.get("ref")}
    for field in ("level", "triggers"):
        if payload.get(field):
            item[field] = payload[field]
    return item


def add_to_batch(
    session: Session,
    settings: Settings,
    *,
    kind: str,
    key: str,
    recipient: str,
    items: Sequence[dict[str, Any]],
    now: datetime,
    zone: str | None = None,
) -> tuple[OutboxMessage | None, bool]:
    """Add ``items`` to the recipient's pending batch for this window (or start one).

    Returns (row, created). A batch that was already sent starts no new one for the
    same window: its key is taken, so the next window's batch carries the items.
    """
    row = alerts.outbox_by_key(key, session=session)
    if row is None:
        created = enqueue(session, settings, kind=kind, key=key, recipient=recipient,
                          payload={"items": list(items)}, now=now, zone=zone)
        return created, True
    if row.state == "pending":
        known = {item.get("key") for item in row.payload.get("items", [])}
        fresh = [item for item in items if item.get("key") not in known]
        if fresh:
            row.payload = {**row.payload, "items": [*row.payload.get("items", []), *fresh]}
            session.add(row)
    return row, False


def view(row: OutboxMessage) -> OutboxView:
    assert row.id is not None
    return OutboxView(row.id, row.kind, row.idempotency_key, tuple(row.recipients), row.state,
                      row.attempts, row.next_attempt_at, row.reason, row.last_error,
                      row.created_at, dict(row.payload))


# -- what a message is about, for listings ----------------------------------------------

ABOUT_RECORDS = (("known_issue", "title"), ("decision", "question"))
"""Records a message may be about, and the field that says what each one is."""
ABOUT_KINDS = {
    "digest": "stand-up digest",
    "standup_minutes": "stand-up minutes",
    "weekly_pack": "steering pack",
    "odoo_unreachable": "Odoo unreachable",
    "watch_kpi": "watched KPI",
}
ABOUT_LIMIT = 120
"""Characters of the fallback (a payload's fields) for a kind of message not named here."""


def about_text(kind: str, payload: dict[str, Any], *, viewer: Viewer) -> str:
    """What a message is about, in a few words, from its semantic payload: ``42 L2 breach:
    Invoice ...``, ``KI-3: Credit note lines lose ...``, ``D-2 L2 decision overdue: Who
    approves ...``, ``3 at-risk tickets: 12, 14, 15``, ``stand-up digest (all companies)``.
    Plain text holding outside text (titles, questions): show it as data. A confidential
    ticket's title reads as the access rules let ``viewer`` see it."""
    level = f"L{payload['level']}" if payload.get("level") else ""
    trigger = str(payload.get("trigger", "")).replace("_", " ")
    ticket = payload.get("ticket")
    if isinstance(ticket, dict):
        # masked when queued (a shared audience); rows queued before that, by the rules
        title = viewer.title(str(ticket.get("title", "")),
                             confidential=bool(ticket.get("confidential")))
        return _headed(str(ticket.get("ref", "?")), level, trigger, title)
    for key, field in ABOUT_RECORDS:
        record = payload.get(key)
        if isinstance(record, dict):
            return _headed(str(record.get("ref", "?")), level, trigger,
                           str(record.get(field, "")))
    items = payload.get("items")
    if kind == BASELINE_KIND and isinstance(items, list):
        return (f"{len(items)} ticket{'' if len(items) == 1 else 's'} already past their SLA "
                "when hypercare started watching")
    if kind == ROLLUP_KIND and isinstance(items, list):
        return (f"{len(items)} more escalation{'' if len(items) == 1 else 's'} since "
                f"{str(payload.get('since', ''))[11:16]} UTC (held back by the hourly cap)")
    if isinstance(items, list):
        refs = [str(i.get("ticket", {}).get("ref", "")) for i in items if isinstance(i, dict)]
        shown = ", ".join(r for r in refs if r)
        return f"{len(items)} at-risk ticket{'' if len(items) == 1 else 's'}: {shown}"
    return _by_kind(kind, payload)


def _headed(ref: str, level: str, trigger: str, what: str) -> str:
    """``KI-3 L2 breach: title`` (level and trigger when there are)."""
    head = " ".join(part for part in (ref, level, trigger) if part)
    return f"{head}: {what}" if what else head


def _by_kind(kind: str, payload: dict[str, Any]) -> str:
    """Messages about no ticket or record: what kind of message, and its scope."""
    words = ABOUT_KINDS.get(kind, kind.replace("_", " "))
    if kind == "digest":
        return f"{words} ({payload.get('scope') or payload.get('standup', '')})"
    if kind == "standup_minutes":
        return f"{words} #{payload.get('standup_id', '?')}"
    if kind == "weekly_pack":
        return str(payload.get("title") or words)
    if kind == "odoo_unreachable":
        return f"{words} for {payload.get('minutes', '?')} min"
    if kind == "watch_kpi":
        return (f"{words} {payload.get('name', '')}: {payload.get('value')} "
                f"(threshold {payload.get('threshold')})")
    fields = ", ".join(f"{k}={v}" for k, v in payload.items() if isinstance(v, str | int))
    return fields[:ABOUT_LIMIT] or words
