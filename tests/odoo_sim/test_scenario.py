"""The seeded go-live: determinism and shape."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypercare.odoo.sim import OdooSimulator
from tests.odoo_sim.conftest import NOW, make

M = "helpdesk.ticket"


def snapshot(sim: OdooSimulator) -> list[object]:
    tables = sim.store.tables
    return [sorted(tables[M].items()), sorted(tables["mail.message"].items()),
            sorted(tables["sale.order"].items())]


def test_same_seed_same_data() -> None:
    assert snapshot(make(tickets=80, seed=3)) == snapshot(make(tickets=80, seed=3))
    assert snapshot(make(tickets=80, seed=3)) != snapshot(make(tickets=80, seed=4))


def test_surge_then_decay(sim19: OdooSimulator) -> None:
    days = Counter(rec["create_date"][:10] for rec in sim19.store.tables[M].values())
    ordered = [days[k] for k in sorted(days)]
    assert sum(ordered[:3]) > 2 * sum(ordered[-3:])


def test_duplicate_burst(sim19: OdooSimulator) -> None:
    vat = sorted(rec["create_date"] for rec in sim19.store.tables[M].values()
                 if "VAT" in rec["name"] or "vat" in rec["name"] or "Tax" in rec["name"])
    best = max(sum(1 for d in vat if t <= d <= _plus(t, hours=6)) for t in vat)
    assert best >= 10


def _plus(stamp: str, hours: int) -> str:
    from datetime import datetime
    moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S") + timedelta(hours=hours)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def test_reopened_tickets_have_tracking(sim19: OdooSimulator) -> None:
    store = sim19.store
    folded = {sid for sid, s in store.tables["helpdesk.stage"].items() if s["fold"]}
    reopen_count: Counter[int] = Counter()
    for tv in store.tables["mail.tracking.value"].values():
        if tv["field_id"] != store.field_ids[(M, "stage_id")]:
            continue
        if tv["old_value_integer"] in folded and tv["new_value_integer"] not in folded:
            msg = store.tables["mail.message"][tv["mail_message_id"]]
            assert msg["message_type"] == "notification"
            reopen_count[msg["res_id"]] += 1
    assert len(reopen_count) >= 5
    assert any(n >= 2 for n in reopen_count.values())


def test_lifecycle_variety(sim19: OdooSimulator) -> None:
    store = sim19.store
    tickets = list(store.tables[M].values())
    stages = Counter(store.display_name("helpdesk.stage", t["stage_id"]) for t in tickets)
    assert {"New", "In Progress", "Waiting on Customer", "Solved"} <= set(stages)
    assert any(not t["active"] for t in tickets)
    assert any(t["sla_reached_late"] for t in tickets)
    now = NOW.strftime("%Y-%m-%d %H:%M:%S")
    assert any(t["sla_deadline"] and t["sla_deadline"] < now for t in tickets)
    types = Counter(m["message_type"] for m in store.tables["mail.message"].values()
                    if m["model"] == M)
    assert types["email"] and types["comment"] and types["notification"]
    internal = [m for m in store.tables["mail.message"].values()
                if m["model"] == M and m["is_internal"] and m["message_type"] == "comment"]
    assert internal
    assert len({t["user_id"] for t in tickets if t["user_id"]}) >= 6
    assert len({t["company_id"] for t in tickets}) == 2


def test_business_documents_grow(sim19: OdooSimulator) -> None:
    store = sim19.store
    orders = Counter(r["create_date"][:10] for r in store.tables["sale.order"].values())
    ordered = [orders[k] for k in sorted(orders)]
    assert sum(ordered[-3:]) > sum(ordered[:3])
    assert len({r["create_uid"] for r in store.tables["sale.order"].values()}) >= 10
    assert len({r["write_uid"] for r in store.tables["sale.order"].values()}) >= 10
    for model in ("crm.lead", "account.move", "stock.picking", "mail.activity"):
        assert store.tables[model]
    assert sum(1 for u in store.tables["res.users"].values() if u["login_date"]) >= 20


def test_sla_fail_is_computed_without_write(fresh19: OdooSimulator) -> None:
    store = fresh19.store
    tid = store.create(M, {"name": "Urgent: cannot post invoices", "team_id": 1,
                           "priority": "3"})
    assert store.tables[M][tid]["sla_deadline"] > NOW.strftime("%Y-%m-%d %H:%M:%S")
    before = dict(store.tables[M][tid])
    assert tid not in store.search(M, [("sla_fail", "=", True)])
    fresh19.advance(timedelta(days=5))
    assert tid in store.search(M, [("sla_fail", "=", True)])
    assert store.tables[M][tid]["write_date"] == before["write_date"]


def test_oca_flavour(oca18: OdooSimulator) -> None:
    store = oca18.store
    tickets = list(store.tables[M].values())
    assert all(t["number"].startswith("HT") for t in tickets)
    assert {t["priority"] for t in tickets} <= {"0", "1", "2", "3"}
    assert any(t["closed_date"] for t in tickets)
    assert any(t["sla_expired"] for t in tickets)
    closed = store.search(M, [("closed", "=", True)], active_test=False)
    assert closed and all(store.tables[M][i]["closed_date"] for i in closed)
    assert "helpdesk.stage" not in store.models
    assert store.display_name(M, tickets[0]["id"]).startswith("HT")
