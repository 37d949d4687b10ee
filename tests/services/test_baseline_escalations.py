"""Baseline escalations (already past their SLA when hypercare started watching) where a lead
looks: `escalations list` and its JSON, the dashboard, and the top of the next stand-up's
agenda (once; a ticket still breached comes back as a breach)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from hypercare import wiring
from hypercare.cli import main
from hypercare.services import Services
from hypercare.store.tables import Escalation
from tests.services.conftest import LEAD, NOW
from tests.support import Clock, viewer

TWO_CLOCKS = ["breach:first_response", "breach:resolution"]
TITLE = "Already past SLA when hypercare started watching"


def baseline(services: Services, odoo_id: int, *, triggers: list[str] = TWO_CLOCKS,
             hours_ago: float = 2, status: str = "baseline") -> None:
    """The escalation the first sweep records for a ticket already breached: one per level,
    every trigger on it, summarised once instead of alerted."""
    with services.context.store().session() as session:
        session.add(Escalation(
            subject=f"ticket:{odoo_id}", ticket_odoo_id=odoo_id, level=2, trigger="breach",
            trigger_key=triggers[0], triggers=triggers, status=status, notified=[],
            created_at=NOW - timedelta(hours=hours_ago), detail="already breached"))


def section(services: Services, key: str) -> list[str]:
    agenda = services.standup.agenda()
    found = next((s for s in agenda.sections if s.key == key), None)
    return [] if found is None else [i.ref for i in (*found.items, *found.carried)]


def test_listed_among_the_open_ones_with_every_trigger(services: Services) -> None:
    baseline(services, 8)
    baseline(services, 2, triggers=["at_risk:resolution"], status="acknowledged")
    lea = viewer(services, LEAD)
    listed = services.sla.list_escalations(viewer=lea)
    assert [(e.ref, e.status) for e in listed] == [("HT00001", "open"),
                                                  ("HT00008", "baseline")]
    work_order = listed[1]
    assert work_order.baseline and not listed[0].baseline
    assert work_order.triggers == ("first_response_breached", "resolution_breached")
    assert work_order.reasons == "first response breached, resolution breached"
    assert listed[0].reasons == "resolution breached"  # a row from before: its first trigger
    everything = services.sla.list_escalations(viewer=lea, include_done=True)
    assert [(e.ref, e.status) for e in everything][2:] == [("HT00002", "acknowledged")]


def test_escalations_list_shows_them(services: Services, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    baseline(services, 8)
    monkeypatch.setattr(wiring, "build_services", lambda settings, **kw: services)
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["--as", LEAD, "escalations", "list", "--open"]) == 0
    out = capsys.readouterr().out
    [row] = [line for line in out.splitlines() if "HT00008" in line]
    assert "first response breached, resolution breached" in row and "baseline" in row
    assert ("baseline (1): already past its SLA when hypercare started watching (summarised "
            "once, never alerted one by one)") in out
    assert main(["--as", LEAD, "escalations", "list", "--open", "--format", "json"]) == 0
    listed = {e["ref"]: e for e in json.loads(capsys.readouterr().out)}
    assert set(listed) == {"HT00001", "HT00008"}
    assert listed["HT00008"]["triggers"] == ["first_response_breached", "resolution_breached"]
    assert (listed["HT00008"]["status"], listed["HT00008"]["baseline"]) == ("baseline", True)
    assert (listed["HT00001"]["triggers"], listed["HT00001"]["baseline"]) == (
        ["resolution_breached"], False)


def test_the_dashboard_counts_them_after_the_open_ones(services: Services) -> None:
    baseline(services, 8, hours_ago=0.1)  # newer than ticket 1's open one, still after it
    board = services.dashboard.dashboard(viewer=viewer(services, LEAD))
    assert [(e.ref, e.status) for e in board.awaiting_ack] == [("HT00001", "open"),
                                                              ("HT00008", "baseline")]
    assert (board.awaiting_ack_total, board.baseline_total) == (2, 1)


def test_they_open_the_next_standup_worst_first(services: Services, clock: Clock) -> None:
    baseline(services, 8)  # S3, 500 minutes over
    baseline(services, 5, triggers=["breach:resolution"])  # S2, 30 minutes over
    baseline(services, 7)  # closed since: nothing to talk about
    agenda = services.standup.agenda()
    first = agenda.sections[0]
    assert (first.key, first.title) == ("baseline", TITLE)
    assert [i.ref for i in first.items] == ["HT00005", "HT00008"]
    assert first.items[0].why.startswith("baseline, not acknowledged; S2 suspected; "
                                         "SLA breached")
    assert "HT00008" not in section(services, "sla")  # each ticket once, in its first section
    lea = viewer(services, LEAD)
    standup = services.standup.start(viewer=lea)
    clock.advance(minutes=20)
    minutes = services.standup.end(standup_id=standup, viewer=lea).minutes
    assert TITLE in minutes
    clock.advance(days=1)
    after = services.standup.agenda()
    assert "baseline" not in [s.key for s in after.sections]  # handled: not again
    # still open: back where any such ticket goes (S2 first, then the breaches)
    assert "HT00005" in section(services, "severe") and "HT00008" in section(services, "sla")


def test_a_new_baseline_after_the_last_standup_opens_the_next(services: Services,
                                                              clock: Clock) -> None:
    lea = viewer(services, LEAD)
    assert "baseline" not in [s.key for s in services.standup.agenda().sections]
    standup = services.standup.start(viewer=lea)
    services.standup.end(standup_id=standup, viewer=lea)
    clock.advance(days=3)  # a weekend without `serve`: Monday's first sweep is a baseline
    baseline(services, 8, hours_ago=-72)
    baseline(services, 5, triggers=["breach:resolution"], status="acknowledged",
             hours_ago=-72)
    assert section(services, "baseline") == ["HT00008"]
