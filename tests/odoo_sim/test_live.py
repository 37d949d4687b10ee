"""Live activity after the seeded history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypercare.odoo.sim import OdooSimulator
from tests.odoo_sim.conftest import NOW, json2, make

M = "helpdesk.ticket"


def test_no_activity_when_rate_is_zero(fresh19: OdooSimulator) -> None:
    before = len(fresh19.store.tables[M])
    fresh19.advance(timedelta(hours=6))
    assert len(fresh19.store.tables[M]) == before


def test_new_tickets_arrive_after_set_now() -> None:
    with make(tickets=60, rate=60.0) as sim:
        before = set(sim.store.tables[M])
        later = NOW + timedelta(hours=3)
        sim.set_now(later)
        new = set(sim.store.tables[M]) - before
        assert new
        stamp = later.strftime("%Y-%m-%d %H:%M:%S")
        rows = json2(sim, M, "search_read", {
            "domain": [("write_date", ">", NOW.strftime("%Y-%m-%d %H:%M:%S"))],
            "fields": ["create_date", "write_date"]}).json()
        assert {r["id"] for r in rows} >= new
        assert all(r["write_date"] == stamp for r in rows if r["id"] in new)


def test_live_activity_is_deterministic() -> None:
    def run() -> list[tuple[int, dict[str, Any]]]:
        sim = make(tickets=40, rate=120.0)
        for hours in (1, 2, 5):
            sim.set_now(NOW + timedelta(hours=hours))
        return sorted(sim.store.tables[M].items())
    assert run() == run()
