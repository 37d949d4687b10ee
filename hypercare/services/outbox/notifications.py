"""The outbox: every proactive message is first a row with a semantic payload.

Services only enqueue (in the same transaction as the decision that caused the
message); the bot renders and delivers. An idempotency key per message means a
re-run never enqueues twice, and a crash never loses a decision's message.
Per recipient, alert-fatigue rules apply: quiet hours defer, the hourly cap
suppresses (the row stays, with its reason, so nothing is invisible).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hypercare.config import Settings
from hypercare.services.access import Viewer
from hypercare.services.outbox import about as _about
from hypercare.store import Session, alerts
from hypercare.store.tables import OutboxMessage
from hypercare.triage.fatigue import parse_quiet_hours, plan_delivery


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
        """What the message is about, for a listing's "About" column
        (:func:`hypercare.services.outbox.about.about`): plain text holding outside text,
        to show as data."""
        return _about.about(self.kind, self.payload, viewer=viewer)


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
    zone: str | None = None,
) -> OutboxMessage | None:
    """Queue one message to one recipient unless ``key`` is already queued.

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
    )
    row = OutboxMessage(kind=kind, idempotency_key=key, recipients=[recipient],
                        payload=payload, state=delivery.state,
                        next_attempt_at=delivery.not_before, reason=delivery.reason,
                        created_at=now)
    session.add(row)
    session.flush()
    return row


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
