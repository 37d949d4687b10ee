"""The open backlog over a stretch of demo time, fast-forwarded: the simulator's clock is
stepped (``set_now``) instead of waited for, so ten demo minutes take a second or two.

Used by ``bench/demo_backlog_bench.py`` and the test that keeps the demo's default speed
honest (the open backlog stays within +-20 % over ten minutes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .simulator import OdooSimulator, SimulatorConfig


@dataclass(frozen=True)
class BacklogTrace:
    rate: float
    start: datetime
    counts: tuple[int, ...]
    """The open backlog at the start and after each step."""

    @property
    def first(self) -> int:
        return self.counts[0]

    @property
    def last(self) -> int:
        return self.counts[-1]

    @property
    def ratio(self) -> float:
        """End over start."""
        return self.last / self.first if self.first else float("inf")

    @property
    def deviation(self) -> float:
        """The largest relative distance from the start, at any step (0.2 is 20 %)."""
        if not self.first:
            return 0.0 if not any(self.counts) else float("inf")
        return max(abs(count / self.first - 1) for count in self.counts)


def trace(config: SimulatorConfig, start: datetime, minutes: float = 10.0,
          step: timedelta = timedelta(seconds=10)) -> BacklogTrace:
    """Build the scenario at ``start`` and step its clock through ``minutes`` of clock time
    at ``config.rate``, counting the open backlog after each step."""
    sim = OdooSimulator(replace(config, now=start))  # never started: no HTTP, no ticker
    counts = [sim.open_ticket_count()]
    end = start + timedelta(minutes=minutes)
    moment = start
    while moment < end:
        moment = min(moment + step, end)
        sim.set_now(moment)
        counts.append(sim.open_ticket_count())
    return BacklogTrace(config.rate, start, tuple(counts))
