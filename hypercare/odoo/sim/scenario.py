"""The seeded go-live: tickets arriving on a surge-then-decay curve, their lifecycle
(assignment, replies, waiting, solving, reopening, reassignment, archiving) and
growing business documents. Deterministic for a given seed, ticket count, days and now.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from . import apps, documents, texts
from .fields import to_dt_str
from .lifecycle import Event, TicketPlan, apply_event, plan_ticket
from .people import World, build_master

if TYPE_CHECKING:
    from .orm import Store
    from .simulator import SimulatorConfig

BUCKET = timedelta(minutes=15)
FUTURE = timedelta(days=60)  # how far ahead the seeded tickets' lives are planned (live rate > 0)


def business_weight(moment: datetime, tz: str) -> float:
    """How likely people raise tickets at ``moment`` (local office hours, weekdays)."""
    local = moment.astimezone(ZoneInfo(tz))
    if local.weekday() >= 5:
        return 0.06
    hour = local.hour + local.minute / 60
    if 8 <= hour < 12.5 or 13.5 <= hour < 18:
        return 1.0
    if 12.5 <= hour < 13.5:
        return 0.6
    if 7 <= hour < 8 or 18 <= hour < 20:
        return 0.25
    return 0.03


def surge(days_since_golive: float) -> float:
    """Arrival intensity: a surge in the first 2-3 days, then decay to a floor."""
    return 3.0 * math.exp(-days_since_golive / 2.0) + 0.35


def arrival_weight(moment: datetime, golive: datetime, tzs: list[str],
                   floor: float = 0.0) -> float:
    """How many tickets arrive around ``moment``, relative to other moments: the go-live surge
    times office hours in each company's zone (each at least ``floor``)."""
    days = (moment - golive) / timedelta(days=1)
    return surge(max(days, 0.0)) * sum(max(business_weight(moment, z), floor) for z in tzs)


def _cumulative(golive: datetime, now: datetime, tzs: list[str]) -> list[float]:
    cum: list[float] = []
    total = 0.0
    for i in range(max(1, int((now - golive) / BUCKET))):
        total += arrival_weight(golive + BUCKET * i, golive, tzs)
        cum.append(total)
    return cum


def arrival_times(rng: random.Random, n: int, golive: datetime, now: datetime,
                  tzs: list[str]) -> list[datetime]:
    cum = _cumulative(golive, now, tzs)
    steps, total = len(cum), cum[-1]
    out = []
    for _ in range(n):
        idx = bisect.bisect_left(cum, rng.random() * total)
        t = golive + BUCKET * min(idx, steps - 1) + timedelta(seconds=rng.randrange(900))
        out.append(min(t, now - timedelta(seconds=1)))
    return sorted(out)


def _bursts(rng: random.Random, n: int, golive: datetime, now: datetime
            ) -> list[tuple[datetime, texts.Issue]]:
    """Near-duplicate tickets behind one defect, within a few hours."""
    by_key = {i.key: i for i in texts.ISSUES}
    span_days = max((now - golive) / timedelta(days=1), 0.5)
    size = min(15, max(3, n // 25))
    out: list[tuple[datetime, texts.Issue]] = []
    for k, key in enumerate(texts.BURST_KEYS):
        if len(out) + size > n // 3:
            break
        start_day = min(span_days * (0.12 + 0.3 * k), span_days - 0.3)
        start = golive + timedelta(days=start_day)
        start = start.replace(hour=8 if k != 1 else 14, minute=5, second=0)
        if start >= now:
            start = now - timedelta(hours=4)
        for _ in range(size):
            t = start + timedelta(minutes=rng.randrange(0, 240))
            out.append((min(t, now - timedelta(seconds=1)), by_key[key]))
    return out


@dataclass
class History:
    """The seeded go-live: its world, and each ticket's events still to come after ``now``
    (what live activity plays on when the clock moves)."""

    world: World
    plans: list[TicketPlan]
    future: list[Event] = field(default_factory=list)


def build(store: Store, cfg: SimulatorConfig, now: datetime) -> History:
    """Populate ``store`` with the go-live history up to ``now``."""
    now = now.astimezone(UTC).replace(microsecond=0)
    rng = random.Random(cfg.seed)
    world = build_master(store, cfg.flavor, cfg.login, rng)
    golive = (now - timedelta(days=cfg.days)).replace(hour=6, minute=0, second=0)
    tzs = sorted(set(world.company_tz.values()))
    bursts = _bursts(rng, cfg.tickets, golive, now)
    regular = arrival_times(rng, cfg.tickets - len(bursts), golive, now, tzs)
    world.golive = golive
    world.arrivals_per_weight = len(regular) / max(_cumulative(golive, now, tzs)[-1], 1e-9)
    until = now + FUTURE if cfg.rate > 0 else now
    weights = [3 if i.kind == "defect" else 2 if i.kind == "training" else 1
               for i in texts.ISSUES]
    arrivals: list[tuple[datetime, texts.Issue, bool]] = [
        (t, rng.choices(texts.ISSUES, weights)[0], False) for t in regular]
    arrivals += [(t, issue, True) for t, issue in bursts]
    arrivals.sort(key=lambda a: a[0])
    plans: list[TicketPlan] = []
    events: list[Event] = []
    for index, (t, issue, burst) in enumerate(arrivals):
        plan = plan_ticket(random.Random(cfg.seed * 100_003 + index), world, index, t, issue,
                           burst, until)
        plans.append(plan)
        events.extend(plan.events)
    events.sort(key=lambda e: (e.at, e.seq))
    stamp = to_dt_str(now)
    split = bisect.bisect_right([e.at for e in events], stamp)
    for event in events[:split]:
        apply_event(store, world, plans[event.ticket], event)
    world.ticket_count = len(plans)
    _expire_oca_sla(store, world, now)
    documents.build(store, world, random.Random(cfg.seed + 1), golive, now, cfg.tickets)
    apps.build(store, world, random.Random(cfg.seed + 2), golive, now)
    return History(world, plans, events[split:])


def _expire_oca_sla(store: Store, world: World, now: datetime) -> None:
    """OCA ``helpdesk_mgmt_sla``'s cron result, set without a new write_date (see STATUS)."""
    if world.flavor != "oca":
        return
    stamp = to_dt_str(now)
    closed = {world.stages["solved"], world.stages["cancelled"]}
    for rec in store.tables["helpdesk.ticket"].values():
        deadline: Any = rec.get("sla_deadline")
        if deadline and deadline < stamp and rec.get("stage_id") not in closed:
            rec["sla_expired"] = True
