"""Ordering and keyset paging as an incremental sync does it."""

from __future__ import annotations

from typing import Any

from hypercare.odoo.sim import OdooSimulator
from tests.odoo_sim.conftest import json2, kw


def page_all(sim: OdooSimulator, model: str, size: int) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    last_date, last_id = "1970-01-01 00:00:00", 0
    while True:
        domain = ["|", ("write_date", ">", last_date), "&", ("write_date", "=", last_date),
                  ("id", ">", last_id)]
        rows = json2(sim, model, "search_read", {
            "domain": domain, "fields": ["write_date"], "order": "write_date asc, id asc",
            "limit": size, "context": {"active_test": False}}).json()
        seen += rows
        if len(rows) < size:
            return seen
        last_date, last_id = rows[-1]["write_date"], rows[-1]["id"]


def test_keyset_paging_returns_every_record_once(sim19: OdooSimulator) -> None:
    for model, size in (("helpdesk.ticket", 37), ("mail.message", 500)):
        rows = page_all(sim19, model, size)
        ids = [r["id"] for r in rows]
        assert len(ids) == len(set(ids))
        assert set(ids) == set(sim19.store.tables[model])
        keys = [(r["write_date"], r["id"]) for r in rows]
        assert keys == sorted(keys)


def test_offset_paging_and_orders(sim17: OdooSimulator) -> None:
    total = kw(sim17, "helpdesk.ticket", "search", [[]], {"order": "id desc"})["result"]
    assert total == sorted(total, reverse=True)
    pages = [kw(sim17, "helpdesk.ticket", "search", [[]],
                {"order": "priority desc, id asc", "offset": o, "limit": 50})["result"]
             for o in range(0, len(total), 50)]
    flat = [i for page in pages for i in page]
    assert sorted(flat) == sorted(total) and len(flat) == len(set(flat))
    first = kw(sim17, "helpdesk.ticket", "read", [flat[:1], ["priority"]])["result"][0]
    assert first["priority"] == "3"


def test_late_commit_has_old_write_date(fresh19: OdooSimulator) -> None:
    store = fresh19.store
    tid = store.search("helpdesk.ticket", [], limit=1)[0]
    store.write("helpdesk.ticket", [tid], {"priority": "2"}, write_date="2025-03-05 10:00:00")
    row = json2(fresh19, "helpdesk.ticket", "read", {"ids": [tid],
                                                     "fields": ["write_date"]}).json()[0]
    assert row["write_date"] == "2025-03-05 10:00:00"
    store.unlink("helpdesk.ticket", [tid])
    assert json2(fresh19, "helpdesk.ticket", "read", {"ids": [tid]}).json() == []
