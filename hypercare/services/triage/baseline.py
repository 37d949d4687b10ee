"""What was already true before hypercare was watching: a baseline, summarised once.

A store's first sweep, and the first sweep after a gap longer than
``escalation.baseline_gap_minutes`` (an outage, a weekend without ``serve``), record the
triggers already true as *baseline* escalations (:mod:`hypercare.triage.escalation`). They
are listed like any other (the TUI, ``escalations list``), head the next stand-up's agenda,
and are announced with **one summary message per recipient** ("37 tickets were already past
their SLA when hypercare started watching; the 10 worst: ..."), never one message each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hypercare.config import Settings
from hypercare.services.outbox import notifications
from hypercare.store import Session
from hypercare.store.triage_records import get_state, set_state

LAST_SWEEP = "sla.last_sweep_at"
"""App state: when the last complete sweep ran (ISO 8601)."""
WORST_SHOWN = 10


def baseline_before(last_sweep: datetime | None, now: datetime, gap_minutes: int
                    ) -> datetime | None:
    """Until when hypercare was not watching (triggers true by then are a baseline), or
    None when it was: the first sweep, or the first after a gap longer than
    ``gap_minutes``."""
    if last_sweep is None or now - last_sweep > timedelta(minutes=gap_minutes):
        return now
    return None


def last_sweep_at(*, session: Session) -> datetime | None:
    value = get_state(LAST_SWEEP, session=session)
    return datetime.fromisoformat(value) if value else None


def record_sweep(now: datetime, *, session: Session) -> None:
    set_state(LAST_SWEEP, now.isoformat(), now=now, session=session)


@dataclass
class BaselineSummary:
    """One sweep's baseline escalations, per recipient, to announce in one message each."""

    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    zones: dict[str, str] = field(default_factory=dict)

    def add(self, recipients: list[str], payload: dict[str, Any],
            clock: dict[str, Any] | None, zone: str = "") -> None:
        """``payload``: the escalation's message payload (the ticket already masked)."""
        ticket = payload.get("ticket") or {}
        item = {"ticket": {k: ticket.get(k) for k in ("odoo_id", "ref", "title", "company",
                                                      "severity", "confidential")},
                "level": payload.get("level"), "triggers": payload.get("triggers", []),
                "escalation_id": payload.get("escalation_id"),
                "overdue_since": _earliest_due(clock)}
        if payload.get("known_issue"):
            item["known_issue"] = payload["known_issue"]
        for recipient in recipients:
            self.items.setdefault(recipient, []).append(item)
            if zone:
                self.zones[recipient] = zone

    @property
    def count(self) -> int:
        return len({i["escalation_id"] for items in self.items.values() for i in items})

    def enqueue(self, session: Session, settings: Settings, now: datetime) -> list[str]:
        """One summary per recipient (worst first: severity, then longest overdue); the
        states of the messages queued."""
        states = []
        for recipient, items in sorted(self.items.items()):
            ordered = sorted(items, key=_worst)
            shown = ", ".join(str(i["ticket"].get("ref") or "?") for i in ordered[:WORST_SHOWN])
            text = (f"{len(ordered)} ticket{'' if len(ordered) == 1 else 's'} "
                    f"{'was' if len(ordered) == 1 else 'were'} already past their SLA when "
                    f"hypercare started watching; the {min(len(ordered), WORST_SHOWN)} worst: "
                    f"{shown}")
            message = notifications.enqueue(
                session, settings, kind=notifications.BASELINE_KIND,
                key=f"baseline:{recipient}:{now.isoformat()}", recipient=recipient,
                payload={"count": len(ordered), "text": text, "items": ordered},
                now=now, capped=False, zone=self.zones.get(recipient))
            if message is not None:
                states.append(message.state)
        return states


def _earliest_due(clock: dict[str, Any] | None) -> str | None:
    dues = [c.get("due_at") for c in (clock or {}).get("clocks") or []
            if c.get("state") == "breached" and c.get("due_at")]
    return min(dues) if dues else None


def _worst(item: dict[str, Any]) -> tuple[int, str, int]:
    severity = str(item["ticket"].get("severity") or "S9")
    rank = int(severity[1:]) if severity[1:].isdigit() else 9
    return rank, str(item.get("overdue_since") or "9999"), -int(item.get("level") or 0)
