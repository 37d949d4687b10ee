"""Live activity: the go-live goes on as the clock passes, ``rate`` times faster than it.

From the moment the simulator starts, simulated time runs ``rate`` times faster than the
simulator's clock: after one minute at rate 30 the go-live is half an hour further. In that
time the seeded tickets go on with the lives planned for them (assignment, replies, waiting,
solving, reopening), and new tickets arrive as the scenario's arrival curve continues (the
surge decaying, office hours in each company's zone, at night at least :data:`NIGHT_FLOOR` of
the daytime flow so a demo at night still shows some), each with a whole life of its own. So
tickets are solved as fast as they arrive, and the open backlog drifts as a real go-live's
does instead of only growing.

Arrivals form a thinned Poisson process drawn from a dedicated RNG, with the next arrival
carried over between calls, so *which* events happen does not depend on how often the clock
is sampled. Due events are applied lazily (on each request, on ``set_now`` or by the
simulator's wall-clock ticker) and are stamped with the clock time they are applied at.
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
from .scenario import History, arrival_weight, surge

HORIZON = timedelta(days=60)
NIGHT_FLOOR = 0.15
MIN_PEAK_PER_HOUR = 0.5  # arrivals per simulated hour when the history has no tickets
WEIGHTS = [3 if i.kind == "defect" else 2 if i.kind == "training" else 1 for i in texts.ISSUES]


class LiveActivity:
    """Plays the seeded tickets' futures and new tickets (and their lives) after ``start``."""

    def __init__(self, store: Store, history: History, seed: int, rate: float,
                 start: datetime) -> None:
        self.store = store
        self.world = world = history.world
        self.rate = max(rate, 0.0)
        self.start = start
        self.rng = random.Random(seed * 7919 + 17)
        self.tzs = sorted(set(world.company_tz.values()))
        self.golive = world.golive or start
        days = (start - self.golive) / timedelta(days=1)
        bound = 4 * world.arrivals_per_weight * surge(max(days, 0.0)) * len(self.tzs)
        self.per_weight = world.arrivals_per_weight if bound >= MIN_PEAK_PER_HOUR else \
            MIN_PEAK_PER_HOUR / (4 * surge(max(days, 0.0)) * max(len(self.tzs), 1))
        self.peak = max(bound, MIN_PEAK_PER_HOUR)  # arrivals per simulated hour, at most
        self.next_arrival: datetime | None = None
        self.queue: list[tuple[str, int, Event]] = [(e.at, e.seq, e) for e in history.future]
        heapq.heapify(self.queue)
        self.plans: dict[int, TicketPlan] = {p.index: p for p in history.plans}
        self.next_index = world.ticket_count + 1_000_000
        self.seed = seed
        self.applied = 0

    def simulated(self, now: datetime) -> datetime:
        """The go-live's own time when the simulator's clock shows ``now``."""
        return self.start + max(now - self.start, timedelta(0)) * self.rate

    def intensity(self, moment: datetime) -> float:
        """Expected arrivals per simulated hour at simulated time ``moment``."""
        return 4 * self.per_weight * arrival_weight(moment, self.golive, self.tzs, NIGHT_FLOOR)

    def apply_due(self, now: datetime) -> int:
        """Generate arrivals up to ``now`` and apply every due event; returns how many."""
        if self.rate <= 0:
            return 0
        until = self.simulated(now)
        if self.next_arrival is None:
            self.next_arrival = self._draw_next(self.start)
        while self.next_arrival <= until:
            t = self.next_arrival
            if self.rng.random() * self.peak < self.intensity(t):
                self._new_ticket(t, now)
            self.next_arrival = self._draw_next(t)
        limit, stamp = to_dt_str(until), to_dt_str(now)
        count = 0
        while self.queue and self.queue[0][0] <= limit:
            _, _, event = heapq.heappop(self.queue)
            apply_event(self.store, self.world, self.plans[event.ticket],
                        replace(event, at=stamp))
            count += 1
        self.applied += count
        return count

    def _draw_next(self, after: datetime) -> datetime:
        return after + timedelta(hours=self.rng.expovariate(self.peak))

    def _new_ticket(self, t: datetime, now: datetime) -> None:
        index = self.next_index
        self.next_index += 1
        issue = self.rng.choices(texts.ISSUES, WEIGHTS)[0]
        plan = plan_ticket(random.Random(self.seed * 100_003 + index), self.world, index, t,
                           issue, False, t + HORIZON, raised=now)
        self.plans[index] = plan
        for event in plan.events:
            heapq.heappush(self.queue, (event.at, event.seq, event))


def open_tickets(store: Store, world: World) -> set[int]:
    """Tickets not archived and not in a closed stage (solved, cancelled): the open backlog."""
    closed = {world.stages["solved"], world.stages["cancelled"]}
    return {rid for rid, rec in store.tables["helpdesk.ticket"].items()
            if rec.get("active", True) and rec.get("stage_id") not in closed}
