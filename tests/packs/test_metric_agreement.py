"""One definition per number: every registered metric, for one ISO week and one company,
reads the same through every front end's data path (the CLI's JSON, the board the TUI and
Slack read, the text each of them renders, the weekly pack's headline)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hypercare import wiring
from hypercare.bot.home_blocks import tile_value
from hypercare.cli import main
from hypercare.kpi.registry import METRICS, format_value
from hypercare.services import SYSTEM, Services
from hypercare.services.kpi.dashboard import tile
from hypercare.services.packs.weekly import HEADLINE

WEEK = "2026-W47"


def cli_board(services: Services, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """``hypercare kpi ... --format json`` on the same store and clock."""
    monkeypatch.setattr(wiring, "build_services", lambda settings, **kw: services)
    capsys.readouterr()
    assert main(["kpi", *args, "--format", "json"]) == 0
    found: dict[str, Any] = json.loads(capsys.readouterr().out)
    return {kpi["key"]: kpi for kpi in found["kpis"]}


def test_every_metric_agrees_for_one_week_and_one_company(
        services: Services, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    company = sorted({t.company for t in services.tickets.list_tickets(viewer=SYSTEM)})[0]
    window = services.kpis.window(week=WEEK)
    board = services.kpis.board(window=window, company=company)
    assert (board.window_label, board.scope_label) == (f"last week ({WEEK})", company)
    from_cli = cli_board(services, monkeypatch, capsys, "--week", WEEK, "--company",
                         company.upper())
    assert set(from_cli) == {kpi.key for kpi in board.kpis}
    for kpi in board.kpis:
        assert kpi.key in METRICS, kpi.key  # every number shown is a registered metric
        assert from_cli[kpi.key]["value"] == kpi.value, kpi.key
        # the TUI's tile and Slack's field show the same text for it
        shown = format_value(kpi.value, kpi.unit, short=True)
        assert tile_value(tile(kpi, board.window_label)) == shown, kpi.key


def test_the_weekly_pack_headline_is_the_registry_value_of_its_week(
        services: Services, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pack = services.packs.weekly(week=WEEK)
    headline = {line.key: line for line in pack.headline}
    from_cli = cli_board(services, monkeypatch, capsys, "--week", WEEK)
    compared = 0
    for key, _unit, how in HEADLINE:
        if how != "value" or key not in headline or key not in from_cli:
            continue
        value = from_cli[key]["value"]
        assert headline[key].value == (None if value is None else round(value, 1)), key
        compared += 1
    assert compared >= 4  # SLA attainment, MTTR, MTTA, reopen rate, training-gap share
    summary = " ".join(pack.section("executive").summary)
    sla = headline["sla_attainment"]
    if sla.value is not None:
        window = services.kpis.window(week=WEEK)
        assert f"SLA attainment {format_value(sla.value, '%')} {window.label}" in summary


def test_the_digest_counts_are_the_boards_metrics_now(services: Services) -> None:
    digest = services.digest.build()
    board = services.kpis.board(days=1)
    counts = {c.key: c for c in digest.counts}
    for count_key, metric in (("open", "open_backlog"), ("breached", "sla_breaches"),
                              ("decisions_overdue", "decisions_overdue")):
        kpi = board.get(metric)
        assert kpi is not None
        assert (counts[count_key].label, counts[count_key].value) == (kpi.label, kpi.value)
