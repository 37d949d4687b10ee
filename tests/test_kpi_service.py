"""The KPI board, snapshots, exit readiness, adoption and watch KPIs through the services."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hypercare.cli import main
from hypercare.config import KpiSettings, WatchKpi
from hypercare.errors import HypercareError, UsageError
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from tests.support import ServicesFactory, sqlite_settings, viewer
from tests.sync.conftest import make_sim, odoo_settings


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kpi-models")


@pytest.fixture
def world(tmp_path: Path, models: Path) -> Iterator[tuple[OdooSimulator, Services]]:
    sim = make_sim(flavor="enterprise", version="19.0", tickets=120, days=10)
    watch = [WatchKpi(name="draft invoices", model="account.move",
                      domain=[["state", "=", "draft"]], threshold=0, direction="above"),
             WatchKpi(name="no such model", model="x.nothing", domain=[], threshold=1)]
    settings = sqlite_settings(tmp_path / "kpi.db", model_dir=models,
                               odoo=odoo_settings(sim, protocol="json2"),
                               timezone="Europe/Brussels",
                               kpi=KpiSettings(watch=watch, baseline={"invoices_posted": 5.0}))
    try:
        with ServicesFactory(clock=sim.now) as build:
            services = build(settings)
            services.sync.run_sync()
            services.sla.sweep()
            services.kpis.snapshot_adoption()  # the adoption_snapshot job, as serve runs it
            yield sim, services
    finally:
        sim.stop()


def test_board_matches_the_store(world: tuple[OdooSimulator, Services]) -> None:
    _, services = world
    board = services.kpis.board(days=10)
    open_now = services.tickets.list_tickets(viewer=viewer(services, "lea"), open_only=True)
    assert board.get("open_backlog") is not None
    assert board.get("open_backlog").value == len(open_now)  # type: ignore[union-attr]
    by_company = {t.company for t in open_now}
    company = sorted(by_company)[0]
    cut = services.kpis.board(days=10, company=company)
    assert cut.company == company
    assert cut.get("open_backlog").value == sum(  # type: ignore[union-attr]
        1 for t in open_now if t.company == company)
    inflow = board.get("inflow")
    assert inflow is not None and len(inflow.series) == 10
    assert all(k.definition and k.unit and k.direction in ("up", "down") for k in board.kpis)
    with pytest.raises(UsageError):
        services.kpis.board(days=0)


def test_snapshots_make_history_and_readiness(world: tuple[OdooSimulator, Services]) -> None:
    _, services = world
    assert services.kpis.snapshot() > 20
    history = services.kpis.history(key="open_backlog")
    assert len(history) == 1
    report = services.kpis.readiness()
    keys = [c.key for c in report.criteria]
    assert keys[:2] == ["no_open_s1", "backlog_falling"]
    assert not report.ready
    services.kpis.record_exit(key="process_owners", viewer=viewer(services, "CFO"))
    signed = {c.key: c for c in services.kpis.readiness().criteria}["process_owners"]
    assert signed.status == "met" and "CFO" in signed.value + signed.detail
    with pytest.raises(UsageError, match="not a milestone or sign-off"):
        services.kpis.record_exit(key="no_open_s1", viewer=viewer(services, "x"))


def test_adoption_feeds_the_board(world: tuple[OdooSimulator, Services]) -> None:
    _, services = world
    report = services.kpis.read_adoption(days=7)
    assert report.internal_users > 0
    board = services.kpis.board(days=7)
    active = board.get("active_users")
    assert active is not None and active.series
    assert dict(active.breakdown).keys() <= {"sale.order", "account.move", "stock.picking",
                                            "purchase.order", "crm.lead", "mrp.production",
                                            "pos.order", "project.task"}
    assert sum(v for _, v in active.breakdown) >= (active.value or 0)  # per app >= distinct
    share = board.get("active_user_share")
    assert share is not None and share.value is not None and 0 <= share.value <= 100
    invoices = board.get("invoices_posted")
    assert invoices is not None and invoices.series and invoices.direction == "up"
    assert invoices.target == 5.0  # compared with the pre-go-live baseline


def _overdue_by_currency(sim: OdooSimulator) -> dict[str, float]:
    """Open posted customer invoices past due, summed per currency of their company (hand
    counts from the simulator's tables)."""
    tables = sim.store.tables
    today = sim.now().date().isoformat()
    found: dict[str, float] = {}
    for move in tables["account.move"].values():
        if (move["move_type"] in ("out_invoice", "out_refund") and move["state"] == "posted"
                and move["payment_state"] in ("not_paid", "partial")
                and move["invoice_date_due"] < today):
            currency = tables["res.company"][move["company_id"]]["currency_id"]
            code = tables["res.currency"][currency]["name"]
            found[code] = found.get(code, 0.0) + move["amount_residual_signed"]
    return found


def test_money_stays_per_currency(world: tuple[OdooSimulator, Services],
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str], models: Path) -> None:
    from hypercare import wiring

    sim, services = world
    monkeypatch.setenv("HYPERCARE_DATABASE_URL", str(services.context.settings.database_url))
    monkeypatch.setenv("HYPERCARE_TRIAGE__MODEL_DIR", str(models))
    monkeypatch.setenv("COLUMNS", "200")
    real = wiring.build_services
    monkeypatch.setattr(wiring, "build_services",  # the CLI at the simulator's clock
                        lambda settings, **kw: real(settings, **{**kw, "clock": sim.now}))
    when = sim.now() - timedelta(days=20)
    for company, amount in zip(sim.world.companies, (12030.5, 52596.3), strict=True):
        sim.store.create("account.move", {  # one overdue invoice in each company
            "name": f"INV/MONEY/{company}", "move_type": "out_invoice", "state": "posted",
            "invoice_date": when.date().isoformat(), "date": when.date().isoformat(),
            "invoice_date_due": (when + timedelta(days=5)).date().isoformat(),
            "payment_state": "not_paid", "company_id": company, "amount_total": amount,
            "amount_residual": amount, "amount_total_signed": amount,
            "amount_residual_signed": amount}, uid=2, at=when.strftime("%Y-%m-%d %H:%M:%S"))
    overdue = _overdue_by_currency(sim)  # BE in EUR, US in USD
    assert set(overdue) == {"EUR", "USD"}
    services.kpis.read_adoption(days=7)
    board = services.kpis.board(days=7)
    money = board.get("receivables_overdue_amount")
    assert money is not None and money.value is None and money.unit == "money"  # never a sum
    assert [code for code, _ in money.breakdown] == ["EUR", "USD"]
    assert dict(money.breakdown) == pytest.approx(overdue)
    dso = board.get("dso_days")
    assert dso is not None and dso.value is None and dso.unit == "days"
    assert [code for code, _ in dso.breakdown] == ["EUR", "USD"]
    assert main(["kpi", "--days", "7"]) == 0
    out = capsys.readouterr().out
    both = f"{overdue['EUR']:,.2f} EUR · {overdue['USD']:,.2f} USD"
    assert both in out
    total = sum(overdue.values())
    assert f"{total:,.2f}" not in out and f"{total:,.1f}" not in out
    assert main(["kpi", "--format", "json", "--days", "7"]) == 0
    shown = {k["key"]: k for k in json.loads(capsys.readouterr().out)["kpis"]}
    assert shown["receivables_overdue_amount"]["value"] is None

    # both companies in one currency: one amount, that currency its unit
    be, us = sim.world.companies
    sim.store.write("res.company", [us], {"currency_id": sim.store.tables["res.company"][be][
        "currency_id"]}, uid=1)
    sim.advance(timedelta(minutes=5))
    services.kpis.read_adoption(days=7)
    money = services.kpis.board(days=7).get("receivables_overdue_amount")
    assert money is not None and money.unit == "EUR" and money.breakdown == ()
    assert money.value == pytest.approx(total)
    dso = services.kpis.board(days=7).get("dso_days")
    assert dso is not None and dso.value is not None and dso.unit == "days"
    assert main(["kpi", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert f"{total:,.2f} EUR" in out and "USD" not in out


def test_watch_kpis_alert_once_and_report_bad_specs(world: tuple[OdooSimulator,
                                                                 Services]) -> None:
    sim, services = world
    results = {r.name: r for r in services.kpis.watch()}
    drafts = len(sim.store.search_ids("account.move", [("state", "=", "draft")]))
    assert results["draft invoices"].value == drafts
    assert results["draft invoices"].breached == (drafts > 0)
    assert results["no such model"].value is None and results["no such model"].error
    services.kpis.watch()  # same day: no second alert
    alerts = [m for m in services.sla.list_outbox() if m.kind == "watch_kpi"]
    assert len(alerts) == (1 if drafts > 0 else 0)


def test_odoo_down_long_enough_alerts(world: tuple[OdooSimulator, Services]) -> None:
    sim, services = world
    assert not services.kpis.check_odoo()
    sim.inject_fault("http_503", count=1000)
    services.sync.close()
    with pytest.raises(HypercareError, match="503"):
        services.sync.run_sync()
    sim.advance(timedelta(minutes=20))
    assert services.kpis.check_odoo()
    assert any(m.kind == "odoo_unreachable" and m.state == "pending"
               for m in services.sla.list_outbox())


def test_kpi_cli(world: tuple[OdooSimulator, Services], monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str], models: Path) -> None:
    _, services = world
    monkeypatch.setenv("HYPERCARE_DATABASE_URL", str(services.context.settings.database_url))
    monkeypatch.setenv("HYPERCARE_TRIAGE__MODEL_DIR", str(models))
    assert main(["kpi", "--days", "7"]) == 0
    assert "Open backlog" in capsys.readouterr().out
    assert main(["kpi", "--format", "json", "--days", "7"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert {k["key"] for k in board["kpis"]} >= {"open_backlog", "mttr", "sla_attainment"}
    assert main(["kpi", "exit"]) == 0
    out = capsys.readouterr().out
    assert "exit readiness" in out and "forecast:" in out


def test_adoption_is_read_by_its_job_only(world: tuple[OdooSimulator, Services]) -> None:
    """One adoption path: the ``adoption_snapshot`` job (a sync no longer reads it)."""
    from hypercare.jobs.registry import build_jobs
    from hypercare.jobs.runner import JobRunner

    sim, services = world
    assert services.kpis.board(days=7).get("active_users") is not None  # the fixture's job
    report = services.sync.run_sync()
    assert not any(n.startswith("adoption") for n in report.notes)
    sim.advance(timedelta(minutes=61))
    sim.deny_access("crm.lead")
    runner = JobRunner(services, build_jobs(services), leases=services.job_leases("cli"))
    outcome = runner.run("adoption_snapshot")
    assert outcome.ok and "crm.lead" in outcome.result  # read again, with its note