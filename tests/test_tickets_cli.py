"""`hypercare sync`, `tickets list|show` and `sync --status` end to end against the simulator."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hypercare.cli import main
from hypercare.odoo.sim import OdooSimulator
from tests.sync.conftest import NOW, make_sim

ZONE = "America/Chicago"

REQUIRED_FIELDS = {
    "odoo_id", "ref", "title", "description", "company", "stage", "is_closed", "priority",
    "team", "assignee", "partner_name", "partner_email", "tags", "ticket_type", "created_at",
    "updated_at", "closed_at", "first_response_at", "reopen_count", "odoo_sla_deadline",
    "odoo_sla_failed", "url",
    "category", "category_guess", "category_confidence", "category_source",
    "category_explanation", "severity", "app", "change_request", "confidential",
}  # fmt: skip


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch, sqlite_url: str,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[OdooSimulator]:
    sim = make_sim(flavor="oca", version="18.0", tickets=50)
    models = tmp_path_factory.getbasetemp() / "cli-models"
    for name, value in {
        "HYPERCARE_TRIAGE__MODEL_DIR": str(models),
        "HYPERCARE_DATABASE_URL": sqlite_url, "HYPERCARE_ODOO__URL": sim.url,
        "HYPERCARE_ODOO__DB": "hypercare", "HYPERCARE_ODOO__LOGIN": "admin",
        "HYPERCARE_ODOO__PASSWORD": "admin", "HYPERCARE_TIMEZONE": "America/Chicago",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        assert main(["sync"]) == 0
        yield sim
    finally:
        sim.stop()


def test_sync_prints_what_it_did(synced: OdooSimulator,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync"]) == 0
    out = capsys.readouterr().out
    assert "synced: 0 tickets changed (0 new)" in out


def test_tickets_list_json_has_every_field(synced: OdooSimulator,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["tickets", "list", "--format", "json"]) == 0
    tickets = json.loads(capsys.readouterr().out)
    assert len(tickets) == len(synced.store.search_ids("helpdesk.ticket", []))  # active ones
    assert main(["tickets", "list", "--archived", "--format", "json"]) == 0
    with_archived = json.loads(capsys.readouterr().out)
    everything = synced.store.search_ids("helpdesk.ticket", [], active_test=False)
    assert len(with_archived) == len(everything) > len(tickets)
    for ticket in tickets:
        assert set(ticket) >= REQUIRED_FIELDS
        created = datetime.fromisoformat(ticket["created_at"])
        assert created.utcoffset() is not None  # ISO 8601 with offset
        assert ticket["created_at"].endswith(("-06:00", "-05:00"))  # America/Chicago
        assert ticket["ref"].startswith("HT")  # OCA numbers
        assert ticket["url"].startswith(synced.url)
        # the sync classified every ticket
        assert ticket["category"] in {"defect", "training_gap", "policy_ambiguity",
                                      "unclassified"}
        assert ticket["category_source"] in {"rule", "model"}
        assert 0 < ticket["category_confidence"] <= 1
        assert ticket["severity"] in {"S1", "S2", "S3", "S4"}
    # in the table's order: most urgent first, as the TUI queue (tests/test_tickets_parity.py)
    assert main(["tickets", "list"]) == 0
    refs = {t["ref"] for t in tickets}
    table = [line.split()[0] for line in capsys.readouterr().out.splitlines()
             if line.split()[:1] and line.split()[0] in refs]
    assert table == [t["ref"] for t in tickets]


def test_tickets_list_open_and_company_filters(synced: OdooSimulator,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["tickets", "list", "--format", "json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert main(["tickets", "list", "--open", "--format", "json"]) == 0
    open_only = json.loads(capsys.readouterr().out)
    assert {t["odoo_id"] for t in open_only} == {t["odoo_id"] for t in everything
                                                if not t["is_closed"]}
    company = everything[0]["company"]
    assert main(["tickets", "list", "--company", company.upper(), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and all(row["company"] == company for row in rows)
    assert len(rows) == sum(1 for t in everything if t["company"] == company)


def test_tickets_list_keeps_the_classification_and_odoo_category_apart(
        synced: OdooSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    """``category`` is hypercare's classification and ``odoo_category`` Odoo's own (the OCA
    simulator files each ticket under its app), in JSON and CSV alike."""
    tickets = synced.store.tables["helpdesk.ticket"]
    in_odoo = {odoo_id: synced.store.display_name("helpdesk.ticket.category", category)
               for odoo_id, ticket in tickets.items()
               if (category := ticket.get("category_id"))}
    capsys.readouterr()
    assert main(["tickets", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert main(["tickets", "list", "--format", "csv"]) == 0
    rows = {int(row["odoo_id"]): row for row in csv.DictReader(io.StringIO(
        capsys.readouterr().out))}
    assert listed and len(rows) == len(listed)
    classifications = {"defect", "training_gap", "policy_ambiguity", "unclassified"}
    for ticket in listed:
        row = rows[ticket["odoo_id"]]
        assert ticket["odoo_category"] == in_odoo[ticket["odoo_id"]] != ""
        assert ticket["odoo_category"] not in classifications
        assert ticket["category"] in classifications
        assert (row["category"], row["odoo_category"]) == (ticket["category"],
                                                           ticket["odoo_category"])


def test_tickets_show_with_event_log(synced: OdooSimulator,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["tickets", "list", "--format", "json"]) == 0
    reopened = [t for t in json.loads(capsys.readouterr().out) if t["reopen_count"]]
    assert reopened, "the scenario has reopened tickets"
    ref = reopened[0]["ref"]
    assert main(["tickets", "show", ref, "--format", "json"]) == 0
    detail = json.loads(capsys.readouterr().out)
    kinds = [event["kind"] for event in detail["events"]]
    assert detail["ticket"]["ref"] == ref
    assert kinds[0] == "created"
    assert kinds.count("reopened") == reopened[0]["reopen_count"]
    assert main(["tickets", "show", ref]) == 0
    text = capsys.readouterr().out
    assert ref in text and "event log" in text and "reopened" in text


def test_sla_time_reads_as_the_formatter_writes(synced: OdooSimulator,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`tickets list` and `tickets show` write SLA time with the one formatter, in business
    hours (or calendar hours on a 24x7 clock), due times in the command center's named zone."""
    import hypercare.wiring as wiring
    from hypercare.triage.sla_text import ClockTime, clock_text, short_text, when_text

    build = wiring.build_services
    monkeypatch.setattr(wiring, "build_services",
                        lambda settings, **kw: build(settings, **kw, clock=lambda: NOW))
    monkeypatch.setenv("COLUMNS", "260")
    assert main(["triage", "sweep"]) == 0
    capsys.readouterr()
    assert main(["tickets", "list", "--open", "--format", "json"]) == 0
    tickets = [t for t in json.loads(capsys.readouterr().out) if t["sla_state"]]
    assert tickets, "the sweep gave the open tickets clocks"
    assert main(["tickets", "list", "--open"]) == 0
    listing = capsys.readouterr().out
    assert "times in America/Chicago" in listing
    for ticket in tickets:
        line = next(text for text in listing.splitlines() if text.split()[:1] == [ticket["ref"]])
        clock = ClockTime.from_stored({"state": ticket["sla_state"],
                                       "business_minutes_left":
                                           ticket["sla_business_minutes_left"],
                                       "due_at": ticket["sla_due_at"],
                                       "met_at": ticket["sla_met_at"],
                                       "always_open": ticket["sla_24x7"]})
        narrow = short_text(clock, state=True)  # the narrow form, as in the TUI queue
        assert f" {narrow} " in f" {line} "
        if clock.due_at is not None and clock.state != "met":
            assert when_text(clock.due_at, now=NOW, zone=ZONE) in line
    breached = next((t for t in tickets if t["sla_state"] == "breached"), tickets[0])
    assert main(["tickets", "show", breached["ref"]]) == 0
    shown = capsys.readouterr().out
    assert "SLA clocks (business hours: bh, bm; times in America/Chicago)" in shown
    for stored in breached["sla_clocks"]:
        expected = clock_text(ClockTime.from_stored(stored), now=NOW, zone=ZONE, state=True)
        assert f"{stored['target'].replace('_', ' '):<15} {expected}" in shown
        assert "0 bm left" not in expected and not re.search(r"\b\d+d\b", expected)


def test_unknown_ticket_is_a_clear_error(synced: OdooSimulator,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tickets", "show", "HT99999"]) == 1
    err = capsys.readouterr().err
    assert "no synced ticket you may see has the reference 'HT99999'" in err
    assert "hint:" in err


def test_sync_status_shows_runs_and_failures(synced: OdooSimulator,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HYPERCARE_ODOO__PASSWORD", "wrong-password")
    assert main(["sync"]) == 1
    err = capsys.readouterr().err
    assert "refused the login" in err and "wrong-password" not in err
    assert main(["sync", "--status", "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [run["status"] for run in status["runs"]] == ["failed", "ok"]
    assert "refused the login" in status["runs"][0]["error"]
    assert status["tickets"] > 0 and status["stale"] is False
    assert {c["model"] for c in status["cursors"]} >= {"helpdesk.ticket", "mail.message"}
    assert main(["sync", "--status"]) == 0
    out = capsys.readouterr().out
    assert "last good sync" in out and "failed" in out


def test_sync_without_odoo_says_what_to_set(sqlite_url: str,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HYPERCARE_DATABASE_URL", sqlite_url)
    assert main(["sync"]) == 2
    err = capsys.readouterr().err
    assert "no Odoo is configured" in err and "HYPERCARE_ODOO__URL" in err


def test_demo_syncs_and_reports_live_arrivals() -> None:
    import os
    import re
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "hypercare", "demo", "--tickets", "120", "--rate", "30000",
         "--interval", "1", "--cycles", "3"],
        capture_output=True, text=True, timeout=180, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    first = re.search(r"synced: (\d+) tickets changed \((\d+) new\)", result.stdout)
    assert first is not None, result.stdout
    assert first.group(1) == first.group(2)
    assert int(first.group(1)) >= 120  # the history, plus live arrivals before the first sync
    assert "open tickets:" in result.stdout
    # live arrivals printed (at night only ~15 % of draws arrive: hence the high --rate)
    assert " new " in result.stdout


def test_tickets_list_csv_has_a_column_per_clock(synced: OdooSimulator,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Once SLA clocks exist, CSV flattens them (one column per target and fact, times in
    the command center's zone) instead of a list of records in one cell."""
    import hypercare.wiring as wiring

    build = wiring.build_services
    monkeypatch.setattr(wiring, "build_services",
                        lambda settings, **kw: build(settings, **kw, clock=lambda: NOW))
    assert main(["triage", "sweep"]) == 0
    capsys.readouterr()
    assert main(["tickets", "list", "--open", "--format", "json"]) == 0
    tickets = {t["ref"]: t for t in json.loads(capsys.readouterr().out)}
    assert main(["tickets", "list", "--open", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and "sla_clocks" not in rows[0]
    assert {"sla_first_response_due", "sla_resolution_state",
            "sla_resolution_business_minutes_left", "sla_resolution_met_at"} <= set(rows[0])
    checked = 0
    for row in rows:
        for clock in tickets[row["ref"]]["sla_clocks"]:
            target = clock["target"]
            assert row[f"sla_{target}_state"] == clock["state"]
            due = datetime.fromisoformat(row[f"sla_{target}_due"])
            assert due == datetime.fromisoformat(clock["due_at"])
            assert due.utcoffset() == datetime.fromisoformat(clock["due_at"]).astimezone(
                ZoneInfo(ZONE)).utcoffset()
            checked += 1
    assert checked
