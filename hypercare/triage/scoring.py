"""Backlog prioritization and the fit-to-standard guard: pure functions of plain values.

**Score.** Impact over effort: ``impact = 2 × value + 1.5 × risk + 2 × log2(1 + tickets)``
(business value and risk 1-5, unassessed counting as 3; ``tickets`` the volume of linked
tickets, directly or through linked known issues), divided by the effort weight (S 1, M 1.5,
L 2.5, XL 4; unsized counts as M). Higher first. The explanation spells every term out.

**Fit-to-standard guard.** Hypercare backlogs slide into customization queues. The guard warns
when enhancements grow as a share of the open backlog week over week, and lists the seeds of
over-customization: enhancement items that came from training gaps, policy questions or
tickets flagged ``change_request``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

EFFORT_WEIGHTS = {"S": 1.0, "M": 1.5, "L": 2.5, "XL": 4.0}
EFFORTS = tuple(EFFORT_WEIGHTS)
UNASSESSED = 3
CLOSED = ("done", "released", "rejected")
SEED_CATEGORIES = {"training_gap": "a training gap", "policy_ambiguity": "a policy question"}


@dataclass(frozen=True)
class ItemFacts:
    """What scoring and the guard need to know of one backlog item."""

    id: int
    enhancement: bool
    status: str
    value: int | None
    risk: int | None
    effort: str
    created_at: datetime
    closed_at: datetime | None
    tickets: int
    """Linked tickets (directly or through linked known issues)."""
    ticket_categories: tuple[str, ...] = ()
    """The categories of those tickets."""
    change_requests: int = 0
    """How many of them were flagged ``change_request``."""


@dataclass(frozen=True)
class Score:
    item_id: int
    score: float
    explanation: str


@dataclass(frozen=True)
class Seed:
    item_id: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class GuardReport:
    """The guard's findings at ``now``."""

    open_items: int
    enhancements: int
    share: float
    """Enhancements among open items, now (0..1)."""
    previous_share: float | None
    """The same a week earlier (None when there was no open item then)."""
    growing: bool
    warning: str
    seeds: tuple[Seed, ...]


def score(item: ItemFacts) -> Score:
    """The item's priority score and how it was reached."""
    value = item.value if item.value is not None else UNASSESSED
    risk = item.risk if item.risk is not None else UNASSESSED
    effort = item.effort if item.effort in EFFORT_WEIGHTS else "M"
    volume = 2 * math.log2(1 + max(0, item.tickets))
    impact = 2 * value + 1.5 * risk + volume
    result = round(impact / EFFORT_WEIGHTS[effort], 1)
    parts = [f"value {value}{'?' if item.value is None else ''} ×2",
             f"risk {risk}{'?' if item.risk is None else ''} ×1.5",
             f"{item.tickets} linked ticket{'s' if item.tickets != 1 else ''} +{volume:.1f}",
             f"effort {effort}{'?' if item.effort not in EFFORT_WEIGHTS else ''} "
             f"÷{EFFORT_WEIGHTS[effort]:g}"]
    note = " (? = not assessed yet: counted as 3, unsized as M)" if (
        item.value is None or item.risk is None or item.effort not in EFFORT_WEIGHTS) else ""
    return Score(item.id, result, " · ".join(parts) + f" = {result:g}{note}")


def ranked(items: Iterable[ItemFacts]) -> list[Score]:
    """Scores, highest first (ties: oldest item first)."""
    facts = sorted(items, key=lambda i: (i.created_at, i.id))
    return sorted((score(i) for i in facts), key=lambda s: -s.score)


def is_open(item: ItemFacts, at: datetime) -> bool:
    """The item was in the open backlog at ``at``."""
    if item.created_at > at:
        return False
    return item.closed_at is None or item.closed_at > at


def guard(items: Sequence[ItemFacts], *, now: datetime) -> GuardReport:
    """Enhancements' share of the open backlog now and a week ago, and the seeds."""
    week_ago = now - timedelta(days=7)
    current = [i for i in items if is_open(i, now) and i.status not in CLOSED]
    before = [i for i in items if is_open(i, week_ago)]
    enhancements = sum(i.enhancement for i in current)
    share = enhancements / len(current) if current else 0.0
    previous = (sum(i.enhancement for i in before) / len(before)) if before else None
    earlier = sum(i.enhancement for i in before)
    growing = enhancements > earlier and share > (previous or 0.0)
    warning = ""
    if growing:
        was = f"{previous or 0:.0%}"
        warning = (f"Enhancements grew from {was} to {share:.0%} of the open backlog this week "
                   f"({enhancements} of {len(current)}). Check each one fills a real gap in "
                   "the standard, not a training gap or an undecided policy.")
    return GuardReport(len(current), enhancements, share, previous, growing, warning,
                       tuple(seeds(current)))


def seeds(items: Iterable[ItemFacts]) -> list[Seed]:
    """Enhancement items that came from training gaps, policy questions or change requests."""
    found = []
    for item in items:
        if not item.enhancement:
            continue
        reasons = [f"{n} linked ticket{'s were' if n > 1 else ' was'} {label}"
                   for category, label in SEED_CATEGORIES.items()
                   if (n := item.ticket_categories.count(category))]
        if item.change_requests:
            reasons.append(f"{item.change_requests} linked ticket"
                           f"{'s were' if item.change_requests > 1 else ' was'} a change "
                           "request")
        if reasons:
            found.append(Seed(item.id, tuple(reasons)))
    return found
