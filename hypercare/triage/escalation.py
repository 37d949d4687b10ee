"""The escalation matrix as pure rules: facts about a ticket in, escalations to raise out.

Triggers and the level each reaches first:

===============  =====  ==========================================================
trigger          level  when
===============  =====  ==========================================================
confirmed_s1     2      a human set or confirmed severity S1
breach           2      an SLA clock breached while the ticket is open
at_risk          1      an S1/S2 clock is at risk (batched, see ``fatigue``)
reopened_twice   2      the ticket was reopened two times or more
no_ack           +1     the previous level did not acknowledge in ``ack_minutes``
===============  =====  ==========================================================

Each escalation has a ``trigger_key`` (the trigger made unique, e.g. ``breach:resolution``);
one that exists is never raised again. Levels at or above ``approval_from_level`` wait
for a lead's approval before anyone is notified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

FIRST_LEVEL = {"confirmed_s1": 2, "breach": 2, "at_risk": 1, "reopened_twice": 2}
TOP_LEVEL = 4


@dataclass(frozen=True)
class ExistingEscalation:
    """An escalation already on record for the ticket."""

    trigger_key: str
    level: int
    status: str
    created_at: datetime
    approved_at: datetime | None = None


@dataclass(frozen=True)
class EscalationFacts:
    """What the matrix looks at for one ticket."""

    is_open: bool
    severity: int
    severity_confirmed: bool
    clock_states: Mapping[str, str]
    """target -> on_track / at_risk / breached / met / paused."""
    reopen_count: int
    existing: Sequence[ExistingEscalation] = ()


@dataclass(frozen=True)
class NewEscalation:
    """An escalation to record (and, unless it waits for approval, to announce)."""

    level: int
    trigger: str
    trigger_key: str
    status: str
    """open, or pending_approval."""
    detail: str


def plan_escalations(
    facts: EscalationFacts,
    *,
    now: datetime,
    ack_minutes: int,
    approval_from_level: int,
) -> list[NewEscalation]:
    """The escalations the facts call for that are not on record yet."""
    if not facts.is_open:
        return []
    known = {e.trigger_key for e in facts.existing}
    wanted: list[tuple[str, str, int, str]] = []
    if facts.severity == 1 and facts.severity_confirmed:
        wanted.append(("confirmed_s1", "confirmed_s1", FIRST_LEVEL["confirmed_s1"],
                       "severity S1 confirmed by a lead"))
    for target, state in sorted(facts.clock_states.items()):
        if state == "breached":
            wanted.append(("breach", f"breach:{target}", FIRST_LEVEL["breach"],
                           f"{target.replace('_', ' ')} target breached"))
        elif state == "at_risk" and facts.severity <= 2:
            wanted.append(("at_risk", f"at_risk:{target}", FIRST_LEVEL["at_risk"],
                           f"{target.replace('_', ' ')} target at risk"))
    if facts.reopen_count >= 2:
        wanted.append(("reopened_twice", "reopened_twice", FIRST_LEVEL["reopened_twice"],
                       f"reopened {facts.reopen_count} times"))
    planned = [
        _new(level, trigger, key, detail, approval_from_level)
        for trigger, key, level, detail in wanted if key not in known
    ]
    planned.extend(_unacknowledged(facts.existing, known, now, ack_minutes,
                                   approval_from_level))
    return planned


def _unacknowledged(
    existing: Sequence[ExistingEscalation], known: set[str], now: datetime,
    ack_minutes: int, approval_from_level: int,
) -> list[NewEscalation]:
    """Open escalations nobody acknowledged in time go one level up (once per level)."""
    if not existing:
        return []
    top = max(existing, key=lambda e: e.level)
    if top.status != "open" or top.level >= TOP_LEVEL or top.trigger_key.startswith("at_risk"):
        return []
    since = top.approved_at or top.created_at
    if now - since < timedelta(minutes=ack_minutes):
        return []
    level = top.level + 1
    key = f"no_ack:L{level}"
    if key in known:
        return []
    return [_new(level, "no_ack", key,
                 f"L{top.level} did not acknowledge within {ack_minutes} min", approval_from_level)]


def _new(level: int, trigger: str, key: str, detail: str,
         approval_from_level: int) -> NewEscalation:
    status = "pending_approval" if level >= approval_from_level else "open"
    return NewEscalation(level, trigger, key, status, detail)


def current_level(existing: Sequence[ExistingEscalation]) -> int:
    """The highest level escalated to (0: none). Pending approvals do not count yet."""
    levels = [e.level for e in existing if e.status != "pending_approval"]
    return max(levels, default=0)
