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

There is **one escalation per subject (a ticket, or the known issue it is linked to) and
level**: it lists every trigger that applies at that level (``triggers``, trigger keys such
as ``breach:resolution``). A trigger that is already on the level's record is never raised
again; a new one at a level that has a record *updates* it (its message is updated in place)
instead of making another. Levels at or above ``approval_from_level`` wait for a lead's
approval before anyone is notified.

**Baseline.** Triggers that were already true before hypercare was watching (the first sweep
of a store, the first after a gap longer than ``escalation.baseline_gap_minutes``) are
recorded as a *baseline*: announced once in a summary, never one message each, and never
climbing for want of an acknowledgement. A trigger that appears while hypercare watches
always alerts. A confirmed S1 is never baselined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

FIRST_LEVEL = {"confirmed_s1": 2, "breach": 2, "at_risk": 1, "reopened_twice": 2}
TOP_LEVEL = 4
NEVER_BASELINED = frozenset({"confirmed_s1"})


@dataclass(frozen=True)
class ExistingEscalation:
    """An escalation already on record for the subject (one per level)."""

    trigger_key: str
    level: int
    status: str
    created_at: datetime
    approved_at: datetime | None = None
    triggers: tuple[str, ...] = ()
    """Every trigger key on the record (the first is ``trigger_key``)."""

    @property
    def keys(self) -> set[str]:
        return {self.trigger_key, *self.triggers}


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
    breached_at: Mapping[str, datetime] = field(default_factory=dict)
    """target -> when its deadline passed (for the baseline)."""


@dataclass(frozen=True)
class NewEscalation:
    """An escalation to record (and, unless it waits for approval or is a baseline, to
    announce), or, with ``update``, new triggers for the level's existing record."""

    level: int
    trigger: str
    """The family of the first trigger: what kind of message it is."""
    trigger_key: str
    status: str
    """open, pending_approval, or baseline."""
    detail: str
    triggers: tuple[str, ...] = ()
    """Every trigger key this plan adds (the first is ``trigger_key``)."""
    update: bool = False
    """The level already has a record for the subject: add ``triggers`` to it."""

    @property
    def all_triggers(self) -> tuple[str, ...]:
        return self.triggers or (self.trigger_key,)


def trigger_name(key: str) -> str:
    """A trigger key as messages and the outbox name it: ``breach:first_response`` ->
    ``first_response_breached``, ``at_risk:resolution`` -> ``resolution_at_risk``,
    ``no_ack:L3`` -> ``not_acknowledged``."""
    family, _, target = key.partition(":")
    if family == "breach" and target:
        return f"{target}_breached"
    if family == "at_risk" and target:
        return f"{target}_at_risk"
    if family == "no_ack":
        return "not_acknowledged"
    return family


def plan_escalations(
    facts: EscalationFacts,
    *,
    now: datetime,
    ack_minutes: int,
    approval_from_level: int,
    baseline_before: datetime | None = None,
) -> list[NewEscalation]:
    """The escalations (and updates) the facts call for that are not on record yet, one per
    level. ``baseline_before``: hypercare was not watching until then (a first sweep, a
    gap): triggers already true by then are a baseline, not news."""
    if not facts.is_open:
        return []
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
    by_level = {e.level: e for e in facts.existing}
    planned: list[NewEscalation] = []
    for level in sorted({w[2] for w in wanted}):
        record = by_level.get(level)
        known = record.keys if record is not None else set()
        fresh = [w for w in wanted if w[2] == level and w[1] not in known]
        if not fresh:
            continue
        keys = tuple(w[1] for w in fresh)
        trigger, key, _, _ = fresh[0]
        detail = "; ".join(w[3] for w in fresh)
        if record is not None:  # a baseline that gets a new trigger is news now
            status = (_status(level, approval_from_level) if record.status == "baseline"
                      else record.status)
            planned.append(NewEscalation(level, trigger, key, status, detail, keys,
                                         update=True))
            continue
        baseline = baseline_before is not None and all(
            w[0] not in NEVER_BASELINED and _already(facts, w[1], baseline_before)
            for w in fresh)
        status = "baseline" if baseline else _status(level, approval_from_level)
        planned.append(NewEscalation(level, trigger, key, status, detail, keys))
    planned.extend(_unacknowledged(facts.existing, now, ack_minutes, approval_from_level))
    return planned


def _already(facts: EscalationFacts, key: str, before: datetime) -> bool:
    """Was the trigger true by ``before``? A breach by its deadline; others (a reopen count,
    an at-risk clock) are taken as already true."""
    family, _, target = key.partition(":")
    if family == "breach":
        moment = facts.breached_at.get(target)
        return moment is None or moment <= before
    return True


def _unacknowledged(
    existing: Sequence[ExistingEscalation], now: datetime,
    ack_minutes: int, approval_from_level: int,
) -> list[NewEscalation]:
    """Open escalations nobody acknowledged in time go one level up (once per level; a
    baseline never climbs)."""
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
    if any(e.level == level for e in existing):
        return []
    return [NewEscalation(level, "no_ack", key, _status(level, approval_from_level),
                          f"L{top.level} did not acknowledge within {ack_minutes} min",
                          (key,))]


def _status(level: int, approval_from_level: int) -> str:
    return "pending_approval" if level >= approval_from_level else "open"


def current_level(existing: Sequence[ExistingEscalation]) -> int:
    """The highest level escalated to (0: none). Pending approvals do not count yet."""
    levels = [e.level for e in existing if e.status != "pending_approval"]
    return max(levels, default=0)
