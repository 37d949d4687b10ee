"""Adoption snapshot and watched KPIs through the simulator over real HTTP, against hand counts
taken straight from the simulator's tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hypercare.odoo import OdooClient, connect
from hypercare.odoo.adoption import AdoptionSnapshot, SignalNote, read_adoption
from hypercare.odoo.sim import OdooSimulator, SimulatorConfig
from hypercare.odoo.watch import WatchSpec, evaluate_watch, fill_placeholders

from .conftest import API_KEY, NOW, PASSWORD, Sim, SimFactory, settings_for

TZ = "Europe/Brussels"
FMT = "%Y-%m-%d %H:%M:%S"
MODELS = ["crm.lead", "sale.order", "account.move", "mail.activity", "stock.picking"]
START, END = date(2025, 3, 1), date(2025, 3, 10)
DAYS = [START + timedelta(days=i) for i in range((END - START).days + 1)]
TODAY = NOW.astimezone(ZoneInfo(TZ)).date()
LATE = ["confirmed", "waiting", "assigned"]
CLIENTS = [("19.0", "json2"), ("19.0", "jsonrpc"), ("17.0", "jsonrpc")]


def _config(version: str) -> SimulatorConfig:
    return SimulatorConfig(flavor="enterprise", version=version, tickets=300, days=10, seed=7,
                           now=NOW, password=PASSWORD, api_key=API_KEY)


def _edge_records(sim: Sim) -> None:
    """Records by the admin (uid 2) just after local midnight: 23:30 UTC is 00:30 in Brussels."""
    store, admin = sim.store, 2
    at = "2025-03-05 23:30:00"
    store.create("sale.order", {"name": "S-EDGE", "state": "sale", "date_order": at,
                                "amount_total": 10.0}, uid=admin, at=at)
    store.create("stock.picking", {"name": "WH/OUT/EDGE", "picking_type_code": "outgoing",
                                   "state": "assigned", "scheduled_date": at}, uid=admin, at=at)
    _overdue_invoice(sim, sim.world.companies[0], 12560.0, "2025-03-01")  # BE, in EUR
    _overdue_invoice(sim, sim.world.companies[0], -529.5, "2025-03-02")  # its credit note


def _overdue_invoice(sim: Sim, company: int, amount: float, due: str) -> None:
    """A posted, unpaid customer invoice (a credit note when ``amount`` < 0) of ``company``,
    amounts signed as Odoo signs them."""
    at = "2025-02-20 10:00:00"
    sim.store.create("account.move", {
        "name": f"INV/EDGE/{company}/{due}", "move_type": "out_invoice" if amount > 0
        else "out_refund", "state": "posted", "date": at[:10], "invoice_date": at[:10],
        "invoice_date_due": due, "payment_state": "not_paid", "company_id": company,
        "amount_total": abs(amount), "amount_residual": abs(amount),
        "amount_total_signed": amount, "amount_residual_signed": amount}, uid=2, at=at)


@pytest.fixture(scope="module")
def sims() -> Iterator[dict[str, Sim]]:
    started = {v: OdooSimulator(_config(v)).start() for v in ("17.0", "19.0")}
    for sim in started.values():
        _edge_records(sim)
    yield started
    for sim in started.values():
        sim.stop()


def _client(sim: Sim, transport: str) -> OdooClient:
    return connect(settings_for(sim, key=transport == "json2", protocol=transport))


def _snapshot(client: OdooClient, **kw: Any) -> AdoptionSnapshot:
    args: dict[str, Any] = {"models": MODELS, "start": START, "end": END, "timezone": TZ}
    return read_adoption(client, **(args | {"now": NOW} | kw))


# -- hand counts from the tables -----------------------------------------------------------------

def _day(stamp: str, tz: str = TZ) -> date:
    return datetime.strptime(stamp[:19], FMT).replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()


def _rows(sim: Sim, model: str, keep: Callable[[dict[str, Any]], bool] = bool) -> list[Any]:
    return [rec for rec in sim.store.tables[model].values() if keep(rec)]


def _per_day(days: Iterable[date]) -> dict[date, float]:
    out = {d: 0.0 for d in DAYS}
    for d in days:
        if d in out:
            out[d] += 1
    return out


def _hand_active(sim: Sim, models: list[str], excluded: set[int], tz: str = TZ
                 ) -> dict[date, int]:
    users: dict[date, set[int]] = {d: set() for d in DAYS}
    for model in models:
        for rec in _rows(sim, model):
            day = _day(rec["write_date"], tz)
            if day in users and rec["write_uid"] not in excluded:
                users[day].add(rec["write_uid"])
    return {d: len(u) for d, u in users.items()}


def _hand_signals(sim: Sim) -> dict[str, dict[date, float]]:
    now = NOW.strftime(FMT)
    return {
        "quotations_created": _per_day(_day(r["create_date"]) for r in _rows(sim, "sale.order")),
        "orders_confirmed": _per_day(_day(r["date_order"]) for r in _rows(
            sim, "sale.order", lambda r: r["state"] in ("sale", "done"))),
        "invoices_posted": _per_day(date.fromisoformat(r["invoice_date"]) for r in _rows(
            sim, "account.move", lambda r: (r["move_type"], r["state"]) == ("out_invoice",
                                                                            "posted"))),
        "overdue_activities": _per_day(_day(r["create_date"]) for r in _overdue_activities(sim)),
        "late_deliveries": _per_day(_day(r["scheduled_date"]) for r in _late(sim, now)),
    }


def _overdue_activities(sim: Sim) -> list[Any]:
    return _rows(sim, "mail.activity",
                 lambda r: r["active"] and r["date_deadline"] < TODAY.isoformat())


def _late(sim: Sim, now: str) -> list[Any]:
    return _rows(sim, "stock.picking", lambda r: r["picking_type_code"] == "outgoing"
                 and r["state"] in LATE and r["scheduled_date"] < now)


def _receivable(rec: dict[str, Any]) -> bool:
    return (rec["move_type"] in ("out_invoice", "out_refund") and rec["state"] == "posted")


def _open(rec: dict[str, Any]) -> bool:
    return _receivable(rec) and rec["payment_state"] in ("not_paid", "partial")


def _overdue(sim: Sim) -> list[Any]:
    return _rows(sim, "account.move", lambda r: _open(r) and r["invoice_date_due"] < str(TODAY))


def _currency(sim: Sim, rec: dict[str, Any]) -> str:
    """The code of the currency of ``rec``'s company (from the tables)."""
    company = sim.store.tables["res.company"][rec["company_id"]]
    return str(sim.store.tables["res.currency"][company["currency_id"]]["name"])


def _per_currency(sim: Sim, recs: Iterable[dict[str, Any]], field: str) -> dict[str, float]:
    """``field`` summed per currency of each record's company (0.0 for a currency without
    records)."""
    out = {_currency(sim, {"company_id": c}): 0.0 for c in sim.store.tables["res.company"]}
    for rec in recs:
        out[_currency(sim, rec)] += rec[field]
    return out


# -- adoption ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("version", "transport"), CLIENTS)
def test_snapshot_matches_hand_counts(sims: dict[str, Sim], version: str, transport: str) -> None:
    sim = sims[version]
    client = _client(sim, transport)
    client.reset_stats()
    snap = _snapshot(client)
    assert client.stats.total == len(MODELS) + 6  # a grouped read per model, 6 signal reads
    assert client.stats.calls("res.company") == 1  # the companies' currencies, in one read
    assert snap.notes == () and (snap.start, snap.end) == (START, END)
    assert snap.active_users == _hand_active(sim, MODELS, {1})
    assert snap.active_users != _hand_active(sim, MODELS, {1}, tz="UTC")  # days are local
    assert snap.active_users_by_model[date(2025, 3, 9)] == {
        m: _hand_active(sim, [m], {1})[date(2025, 3, 9)] for m in MODELS}
    hand = _hand_signals(sim)
    for counts in snap.signals:
        assert counts.values == {key: hand[key][counts.day] for key in hand}
    assert snap.late_deliveries == len(_late(sim, NOW.strftime(FMT)))
    assert snap.overdue_activities == len(_overdue_activities(sim))
    overdue = _overdue(sim)
    assert snap.receivables_overdue_count == len(overdue) > 0
    # money per currency of each company (BE in EUR, US in USD), never added across them
    amounts = _per_currency(sim, overdue, "amount_residual_signed")
    assert set(amounts) == {"EUR", "USD"} and all(amounts.values())
    assert snap.receivables_overdue_amount is not None
    assert snap.receivables_overdue_amount == pytest.approx(amounts)
    assert sum(amounts.values()) not in snap.receivables_overdue_amount.values()
    window = str(TODAY - timedelta(days=89))
    invoiced = _per_currency(sim, _rows(sim, "account.move", lambda r: (
        _receivable(r) and window <= r["invoice_date"] <= str(TODAY))), "amount_total_signed")
    open_total = _per_currency(sim, _rows(sim, "account.move", _open), "amount_residual_signed")
    assert snap.dso_days == pytest.approx(
        {code: open_total[code] / (invoiced[code] / 90) for code in ("EUR", "USD")})
    people = _rows(sim, "res.users", lambda r: r["active"] and not r["share"] and r["id"] != 1)
    since = (NOW - timedelta(days=7)).strftime(FMT)
    assert snap.internal_users == len(people)
    assert snap.login_active == sum(1 for r in people if (r["login_date"] or "") >= since) > 0


def test_excluded_users_do_not_count(sims: dict[str, Sim]) -> None:
    sim = sims["19.0"]
    snap = _snapshot(_client(sim, "json2"), exclude_uids=[2])
    assert snap.active_users == _hand_active(sim, MODELS, {1, 2})
    assert _hand_active(sim, MODELS, {1, 2}) != _hand_active(sim, MODELS, {1})


@pytest.mark.parametrize(("version", "transport"), [("19.0", "json2"), ("17.0", "jsonrpc")])
def test_missing_app_and_denied_model_leave_notes(
    make_sim: SimFactory, version: str, transport: str
) -> None:
    sim = make_sim(version=version, tickets=120, days=10)
    sim.remove_model("stock.picking")
    sim.deny_access("crm.lead")
    snap = _snapshot(_client(sim, transport))
    assert set(snap.notes) == {
        SignalNote("active_users:crm.lead", "access denied to crm.lead"),
        SignalNote("active_users:stock.picking", "stock.picking not installed"),
        SignalNote("late_deliveries", "stock.picking not installed"),
    }
    kept = ["sale.order", "account.move", "mail.activity"]
    assert snap.active_users == _hand_active(sim, kept, {1})
    assert set(snap.active_users_by_model[END]) == set(kept)
    assert snap.late_deliveries is None and snap.overdue_activities is not None
    hand = _hand_signals(sim)
    for counts in snap.signals:
        assert "late_deliveries" not in counts.values
        assert counts.values["quotations_created"] == hand["quotations_created"][counts.day]
    assert snap.receivables_overdue_count == len(_overdue(sim))


def test_missing_amount_fields_fall_back(make_sim: SimFactory) -> None:
    sim = make_sim(version="19.0", tickets=120, days=10)
    sim.hide_fields("account.move", ["amount_residual_signed"])
    snap = _snapshot(_client(sim, "json2"))
    overdue = _overdue(sim)
    unsigned = _per_currency(sim, [r | {"amount_residual": (
        -1 if r["move_type"] == "out_refund" else 1) * r["amount_residual"]} for r in overdue],
        "amount_residual")
    assert snap.notes == () and snap.receivables_overdue_amount == pytest.approx(unsigned)
    assert snap.receivables_overdue_amount == pytest.approx(
        _per_currency(sim, overdue, "amount_residual_signed"))  # credit notes signed as Odoo
    sim.hide_fields("account.move", ["amount_residual"])
    snap = _snapshot(_client(sim, "json2"))
    assert snap.receivables_overdue_amount is None and snap.dso_days is None
    assert snap.receivables_overdue_count == len(overdue)
    assert {n.signal for n in snap.notes} == {"receivables_overdue_amount", "dso_days"}
    assert all(c.values["invoices_posted"] >= 0 for c in snap.signals)


@pytest.mark.parametrize(("version", "transport"), [("19.0", "json2"), ("17.0", "jsonrpc")])
def test_companies_in_one_currency_give_one_amount(make_sim: SimFactory, version: str,
                                                   transport: str) -> None:
    sim = make_sim(version=version, tickets=300, days=10)
    _edge_records(sim)  # an overdue invoice and credit note in BE too
    be, us = sim.world.companies
    eur = sim.store.tables["res.company"][be]["currency_id"]
    sim.store.write("res.company", [us], {"currency_id": eur}, uid=1)
    overdue = _overdue(sim)
    assert {r["company_id"] for r in overdue} == {be, us}
    snap = _snapshot(_client(sim, transport))
    assert snap.receivables_overdue_amount == pytest.approx(
        {"EUR": sum(r["amount_residual_signed"] for r in overdue)})
    assert snap.dso_days is not None and set(snap.dso_days) == {"EUR"}


def test_denied_currencies_leave_amounts_out(make_sim: SimFactory) -> None:
    sim = make_sim(version="19.0", tickets=120, days=10)
    sim.deny_access("res.company")
    snap = _snapshot(_client(sim, "json2"))
    assert snap.receivables_overdue_amount is None and snap.dso_days is None
    assert snap.receivables_overdue_count == len(_overdue(sim))
    assert set(snap.notes) == {SignalNote(s, "access denied to res.company")
                               for s in ("receivables_overdue_amount", "dso_days")}


def test_denied_res_users_gives_zero_with_notes(make_sim: SimFactory) -> None:
    sim = make_sim(version="19.0", tickets=40, days=5)
    client = _client(sim, "json2")  # the handshake reads res.users
    sim.deny_access("res.users")
    snap = _snapshot(client)
    assert (snap.login_active, snap.internal_users) == (0, 0)
    assert {n.signal for n in snap.notes} == {"login_active", "internal_users"}
    assert snap.active_users == _hand_active(sim, MODELS, {1})


# -- watch ---------------------------------------------------------------------------------------

def test_fill_placeholders() -> None:
    now = datetime(2025, 3, 10, 0, 30, tzinfo=ZoneInfo(TZ))  # 2025-03-09 23:30 UTC
    domain = ["|", ("date", "<", "{today}"), ["&", ("write_date", ">=", "{hours_ago:2}"),
                                              ("d", ">=", "{days_ago:7}")],
              ("x", "=", "{now}"), ("y", "=", "{today} 00:00:00"), ("z", "=", "{other}"), 3]
    assert fill_placeholders(domain, now) == [
        "|", ["date", "<", "2025-03-09"],
        ["&", ["write_date", ">=", "2025-03-09 21:30:00"], ["d", ">=", "2025-03-02"]],
        ["x", "=", "2025-03-09 23:30:00"], ["y", "=", "2025-03-09 00:00:00"],
        ["z", "=", "{other}"], 3]
    assert fill_placeholders([("a", "=", "{now}")], datetime(2025, 1, 2, 3, 4, 5)) == [
        ["a", "=", "2025-01-02 03:04:05"]]


@pytest.mark.parametrize(("version", "transport"), [("19.0", "json2"), ("17.0", "jsonrpc")])
def test_watch_counts_and_sums(sims: dict[str, Sim], version: str, transport: str) -> None:
    sim = sims[version]
    now = NOW.strftime(FMT)
    late = len(_late(sim, now))
    overdue = sum(r["amount_residual_signed"] for r in _rows(
        sim, "account.move", lambda r: _open(r) and r["invoice_date_due"] < NOW.date().isoformat()))
    recent = len(_rows(sim, "sale.order", lambda r: r["create_date"] >= "2025-03-07 09:00:00"))
    late_domain = [("picking_type_code", "=", "outgoing"), ("state", "in", LATE),
                   ("scheduled_date", "<", "{now}")]
    receivables = [("move_type", "in", ["out_invoice", "out_refund"]), ("state", "=", "posted"),
                   ("payment_state", "in", ["not_paid", "partial"]),
                   ("invoice_date_due", "<", "{today}")]
    specs = [
        WatchSpec("late", "stock.picking", late_domain, "count", None, late - 1, "above"),
        WatchSpec("late-ok", "stock.picking", late_domain, "count", None, late, "above"),
        WatchSpec("overdue", "account.move", receivables, "sum", "amount_residual_signed",
                  overdue + 1, "below"),
        WatchSpec("recent", "sale.order", [("create_date", ">=", "{hours_ago:72}")], "count",
                  None, 0, "below"),
        WatchSpec("none", "sale.order", [("name", "=", "nothing")], "sum", "amount_total", 0,
                  "above"),
    ]
    results = evaluate_watch(_client(sim, transport), specs, now=NOW)
    assert [(r.name, r.value, r.breached, r.error) for r in results] == [
        ("late", late, True, ""), ("late-ok", late, False, ""),
        ("overdue", pytest.approx(overdue), True, ""), ("recent", recent, False, ""),
        ("none", 0.0, False, "")]
    assert late > 0 and recent > 0


def test_watch_failures_are_results(make_sim: SimFactory) -> None:
    sim = make_sim(version="19.0", tickets=40, days=5)
    sim.deny_access("crm.lead")
    specs = [
        WatchSpec("no-model", "x.nothing", [], "count", None, 1, "above"),
        WatchSpec("no-field", "sale.order", [], "sum", "nope", 1, "above"),
        WatchSpec("bad-domain", "sale.order", [("nope", "=", 1)], "count", None, 1, "above"),
        WatchSpec("denied", "crm.lead", [], "count", None, 1, "above"),
        WatchSpec("no-sum-field", "sale.order", [], "sum", None, 1, "above"),
        WatchSpec("ok", "sale.order", [], "count", None, 1, "above"),
    ]
    results = evaluate_watch(_client(sim, "json2"), specs, now=NOW)
    for result in results[:-1]:
        assert result.value is None and not result.breached and result.error, result
    assert "x.nothing" in results[0].error and "crm.lead" in results[3].error
    assert results[-1].value == len(sim.store.tables["sale.order"]) and results[-1].breached
