"""Live activity: new tickets and ticket updates keep arriving as the clock passes.

Arrivals form a thinned Poisson process drawn from a dedicated RNG, with the next
arrival time carried over between calls, so *which* events happen does not depend
on how often the clock is sampled. Due events are applied lazily (on each request,
on ``set_now`` or by the simulator's wall-clock ticker) and are stamped with the
time they are applied.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import replace
from datetime import datetime, timedelta

from . import texts
from .fields import to_dt_str
from .lifecycle import Event, TicketPlan, apply_event, plan_ticket
from .orm import Store
from .people import World
from .scenario import business_weight

HORIZON = timedelta(days=60)


class LiveActivity:
    """Drives new tickets (and their lifecycles) after the seeded history."""

    def __init__(self, store: Store, world: World, seed: int, rate: float, start: datetime,
                 days: int = 10) -> None:
        self.store = store
        self.world = world
        self.rate = rate
        self.rng = random.Random(seed * 7919 + 17)
        per_hour = max(0.5, world.ticket_count / max(days * 24, 1) * 0.5)
        self.max_per_hour = per_hour * max(rate, 0.0)
        self.cursor = start
        self.next_arrival: datetime | None = None
        self.queue: list[tuple[str, int, Event]] = []
        self.plans: dict[int, TicketPlan] = {}
        self.next_index = world.ticket_count + 1_000_000
        self.seed = seed
        self.applied = 0

    def _draw_next(self, after: datetime) -> datetime:
        hours = self.rng.expovariate(self.max_per_hour)
        return after + timedelta(hours=hours)

    def apply_due(self, now: datetime) -> int:
        """Generate arrivals up to ``now`` and apply every due event; returns how many."""
        if self.rate <= 0 or self.max_per_hour <= 0:
            return 0
        if self.next_arrival is None:
            self.next_arrival = self._draw_next(self.cursor)
        tzs = sorted(set(self.world.company_tz.values()))
        while self.next_arrival <= now:
            t = self.next_arrival
            weight = sum(business_weight(t, z) for z in tzs) / len(tzs)
            if self.rng.random() < max(weight, 0.15):
                self._new_ticket(t)
            self.next_arrival = self._draw_next(t)
        self.cursor = max(self.cursor, now)
        stamp = to_dt_str(now)
        count = 0
        while self.queue and self.queue[0][0] <= stamp:
            _, _, event = heapq.heappop(self.queue)
            apply_event(self.store, self.world, self.plans[event.ticket],
                        replace(event, at=stamp))
            count += 1
        self.applied += count
        return count

    def _new_ticket(self, t: datetime) -> None:
        index = self.next_index
        self.next_index += 1
        issue = self.rng.choice(texts.ISSUES)
        plan = plan_ticket(random.Random(self.seed * 100_003 + index), self.world, index, t,
                           issue, False, t + HORIZON)
        self.plans[index] = plan
        for event in plan.events:
            heapq.heappush(self.queue, (event.at, event.seq, event))
