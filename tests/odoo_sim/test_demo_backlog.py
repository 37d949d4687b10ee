"""At the demo's default speed the go-live looks alive but steady: over ten minutes of demo
time tickets arrive and get solved, and the open backlog stays within +-20 % of where it
started (the demo at x300 used to grow it by half in six minutes).

The simulator's clock is stepped through the ten minutes (fast-forward), from a few start
moments across a working week and a night, since office hours drive arrivals.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hypercare.cli import build_parser
from hypercare.odoo.sim import SimulatorConfig
from hypercare.odoo.sim.backlog import trace

BRUSSELS = ZoneInfo("Europe/Brussels")
STARTS = [datetime(2026, 11, 16, 9, 30, tzinfo=BRUSSELS),  # Monday morning
          datetime(2026, 11, 18, 14, 0, tzinfo=BRUSSELS),  # Wednesday afternoon
          datetime(2026, 11, 19, 22, 0, tzinfo=BRUSSELS)]  # Thursday night


def _demo_config() -> SimulatorConfig:
    demo = build_parser().parse_args(["demo"])
    return SimulatorConfig(tickets=demo.tickets, days=demo.days, seed=demo.seed, rate=demo.rate)


@pytest.mark.parametrize("start", STARTS, ids=lambda s: s.strftime("%a-%H%M"))
def test_open_backlog_stays_within_20_percent_over_ten_demo_minutes(start: datetime) -> None:
    run = trace(_demo_config(), start.astimezone(UTC), minutes=10)
    assert len(run.counts) == 61
    assert run.deviation <= 0.20, run.counts


def test_the_demo_shows_activity_at_its_default_speed() -> None:
    """Steady is not frozen: within ten minutes new tickets arrive, and the open ones move on
    (assigned, answered, solved)."""
    from hypercare.odoo.sim import OdooSimulator
    from hypercare.odoo.sim.live import open_tickets

    start = STARTS[1].astimezone(UTC)
    config = _demo_config()
    config.now = start
    sim = OdooSimulator(config)
    tickets = sim.store.tables["helpdesk.ticket"]
    before_ids, before_open = set(tickets), open_tickets(sim.store, sim.world)
    sim.set_now(start.replace(minute=10))
    arrived = set(tickets) - before_ids
    moved = {rid for rid in before_open if tickets[rid]["write_date"] > f"{start:%Y-%m-%d %H}"}
    closed = before_open - open_tickets(sim.store, sim.world)
    assert len(arrived) >= 5 and len(moved) >= 5 and closed, (arrived, moved, closed)
