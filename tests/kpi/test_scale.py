"""100,000 tickets over 60 days: the board computes (timing printed, not asserted)."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from hypercare.kpi.tickets import RecordCounts, TicketColumns, ticket_board
from hypercare.triage.calendar import BusinessCalendar

SIZE = 100_000


def big_columns(size: int = SIZE, seed: int = 7) -> tuple[TicketColumns, dt.datetime]:
    rng = np.random.default_rng(seed)
    now = dt.datetime(2025, 11, 20, 15, tzinfo=dt.UTC)
    end = now.timestamp()
    created = end - rng.uniform(0, 70 * 86400, size)
    closed_after = rng.exponential(3 * 86400, size)
    closed = created + closed_after
    is_closed = closed < end

    def pick(names: list[str]) -> np.ndarray:
        return np.array(names, dtype=object)[rng.integers(0, len(names), size)]

    def later(scale: float, share: float) -> np.ndarray:
        moments = created + rng.exponential(scale, size)
        return np.where(rng.random(size) < share, moments, np.nan)

    tags = (("invoice",), ("stock", "picking"), (), ("payroll",))
    cols = TicketColumns(
        odoo_id=np.arange(size, dtype=np.int64),
        company=pick(["Acme", "acme BE", "Beta"]),
        team=pick(["Finance", "Sales", "Warehouse", "HR", ""]),
        assignee=pick([f"user{i}" for i in range(40)] + [""]),
        app=pick(["account", "stock", "sale", "hr", "mrp", "purchase", ""]),
        category=pick(["defect", "training_gap", "policy_ambiguity", ""]),
        severity=rng.integers(1, 5, size).astype(np.int64),
        created=created, assigned=later(3600, 0.9), first_response=later(1800, 0.95),
        closed=np.where(is_closed, closed, np.nan), is_closed=is_closed,
        reopen_count=(rng.random(size) < 0.05).astype(np.int64),
        sla_state=pick(["on_track", "at_risk", "breached", "met", "paused", ""]),
        workaround=later(86400, 0.2),
        tags=tuple(tags[i] for i in rng.integers(0, len(tags), size).tolist()),
    )
    return cols, now


def test_hundred_thousand_tickets_sixty_days() -> None:
    cols, now = big_columns()
    cal = BusinessCalendar.standard("Europe/Brussels", holidays=["2025-11-11"])
    records = RecordCounts(standup_items_decided=((dt.date(2025, 11, 19), 6),))
    timings = []
    for company in (None, "ACME"):
        started = time.perf_counter()
        board = ticket_board(cols, now=now, timezone="Europe/Brussels", days=60,
                             calendar=cal, company=company, records=records)
        timings.append(time.perf_counter() - started)
        backlog = board.get("open_backlog")
        assert backlog is not None and len(backlog.series) == 60
    print(f"\n100k tickets x 60 days: full board {timings[0] * 1000:.0f} ms, "
          f"company cut {timings[1] * 1000:.0f} ms")
