"""`tickets list` and `tickets show` say what the TUI says (issue 24, CLI parity).

The list: the README's columns, fitted to the terminal (reopens give way first, then first
response, team and company; ref, severity, category, SLA and title stay), in the TUI queue's
urgency order, hostile titles literal and cut. The detail: every SLA clock, the escalations
and the known issue, times in the command center's zone with the zone named; the same data as
JSON keys; a confidential ticket masked for who may not read it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hypercare.cli import main
from hypercare.config import Settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import QueueFilter, QueueRow, Services, filter_rows
from hypercare.services.access import MASKED_TITLE
from hypercare.services.tickets.queue_order import by_urgency
from hypercare.triage.sla_text import ClockTime, clock_text
from tests.support import Clock, ServicesFactory, viewer
from tests.support.hostile import HUGE, MARKUP, raw_controls, seed_hostile_tickets
from tests.sync.conftest import client_for, make_sim, odoo_settings

ZONE = "Europe/Brussels"
LEAD, OTHER = "lea", "bob"
PAYROLL_TITLE = "Payroll: payslip of employee 4711 shows the wrong salary"
ISSUE_TITLE = "Quotation e-mails stuck in the outgoing queue"
WORKAROUND = "Send the quotation again from the chatter"
ALWAYS = ("Ref", "Sev", "Category", "SLA", "Title")
GIVING_WAY = ("Company", "Team", "First response", "Reopens")
"""The optional columns, in the order they stay: the last one gives way first."""


@dataclass
class World:
    sim: OdooSimulator
    golden: Path
    models: Path
    now: datetime
    payroll: str = ""
    """A confidential ticket (HR), escalated by hand."""
    followed: str = ""
    """An open ticket escalated and acknowledged, linked to a known issue."""
    hostile: dict[str, str] = field(default_factory=dict)


def settings_for(world: World, db: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{db}", timezone=ZONE,
                    odoo=odoo_settings(world.sim, protocol="jsonrpc"),
                    triage={"model_dir": str(world.models)}, roles={"leads": [LEAD]})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("tickets-parity")
    sim = make_sim(flavor="oca", version="18.0", tickets=50)
    try:
        client = client_for(sim)
        try:  # an HR ticket: confidential
            client.create("helpdesk.ticket", {
                "name": PAYROLL_TITLE, "description": "<p>Last year's salary on it.</p>",
                "team_id": client.search("helpdesk.ticket.team", [], limit=1)[0],
                "company_id": client.search("res.company", [], limit=1)[0]})
        finally:
            client.close()
        hostile = seed_hostile_tickets(sim)
        world = World(sim, root / "golden.db", root / "models", sim.now() + timedelta(minutes=30))
        with ServicesFactory(clock=lambda: world.now) as build:
            _prepare(build(settings_for(world, world.golden)), world, hostile)
        yield world
    finally:
        sim.stop()


def _prepare(services: Services, world: World, hostile: dict[str, int]) -> None:
    services.sync.run_sync()
    services.sla.sweep()
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    refs = {t.odoo_id: t.ref for t in tickets}
    world.hostile = {name: refs[odoo_id] for name, odoo_id in hostile.items()}
    world.payroll = next(t.ref for t in tickets if t.title == PAYROLL_TITLE)
    assert next(t for t in tickets if t.ref == world.payroll).confidential
    services.sla.escalate(ref=world.payroll, viewer=lea, reason="payroll run at risk")
    escalated = {e.ref for e in services.sla.list_escalations(viewer=lea, include_done=True)}
    calm = next(t for t in tickets if not t.is_closed and t.sla_clocks and not t.confidential
                and t.ref not in escalated and t.odoo_id not in hostile.values())
    world.followed = calm.ref
    escalation = services.sla.escalate(ref=calm.ref, viewer=lea, reason="customer waiting")
    services.sla.acknowledge(escalation_id=escalation.id, viewer=lea)
    issue = services.known_issues.create(title=ISSUE_TITLE, viewer=lea, ticket_refs=(calm.ref,))
    services.known_issues.set_workaround(known_issue_id=issue.id, text=WORKAROUND, viewer=lea)


@dataclass
class Cli:
    run: Callable[..., str]
    """``run(*args, width=160)``: stdout of a successful command at that terminal width."""
    services: Services
    """Services on the same store, at the same clock."""


@pytest.fixture
def cli(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    """The CLI on a private copy of the world's store, an hour after the world was made."""
    from hypercare import wiring

    monkeypatch.setenv("HYPERCARE_TIMEZONE", ZONE)
    with ServicesFactory(tmp_path, clock=Clock(world.now + timedelta(hours=1))) as made:
        db = made.store("store.db", copy_of=world.golden)
        monkeypatch.setattr(wiring, "build_services",
                            lambda settings, **_: made(settings_for(world, db)))

        def run(*args: str, width: int = 160) -> str:
            monkeypatch.setenv("COLUMNS", str(width))
            capsys.readouterr()
            code = main(list(args))
            out, err = capsys.readouterr()
            assert code == 0, err
            assert raw_controls(out) == [], args
            return out

        yield Cli(run, made(settings_for(world, db)))


def headers(table: str) -> str:
    return next(line for line in table.splitlines() if line.startswith("Ref "))


def optional_shown(table: str) -> tuple[str, ...]:
    head = headers(table)
    return tuple(name for name in GIVING_WAY if name in head)


# -- tickets list ------------------------------------------------------------------------------

def test_list_shows_every_column_at_160_and_the_essential_ones_at_80(cli: Cli) -> None:
    wide = cli.run("tickets", "list", width=160)
    assert all(name in headers(wide) for name in (*ALWAYS, "Due", *GIVING_WAY))
    assert max(map(len, wide.splitlines())) <= 160
    narrow = cli.run("tickets", "list", width=80)
    head = headers(narrow)
    assert all(name in head for name in ALWAYS)
    assert not any(name in head for name in ("Reopens", "First response", "Team"))
    assert max(map(len, narrow.splitlines())) <= 80
    assert "times in Europe/Brussels" in narrow


def test_columns_give_way_reopens_first_then_first_response_team_company(cli: Cli) -> None:
    seen = set()
    for width in range(80, 181, 8):
        table = cli.run("tickets", "list", width=width)
        shown = optional_shown(table)
        assert shown == GIVING_WAY[:len(shown)], (width, shown)  # never a later one alone
        assert all(name in headers(table) for name in ALWAYS), width
        assert max(map(len, table.splitlines())) <= width
        seen.add(len(shown))
    assert {0, len(GIVING_WAY)} < seen, "some widths show some of the optional columns"


def test_default_order_is_the_tui_queue_order(cli: Cli) -> None:
    rows = cli.services.queue.load_rows(viewer=viewer(cli.services, LEAD))
    queue_all = [r.ref for r in filter_rows(rows, QueueFilter(status="all"))]
    queue_open = [r.ref for r in filter_rows(rows, QueueFilter())]  # the queue's default
    listed = [t["ref"] for t in json.loads(cli.run("--as", LEAD, "tickets", "list",
                                                    "--format", "json"))]
    assert listed == queue_all
    opened = [t["ref"] for t in json.loads(cli.run("--as", LEAD, "tickets", "list", "--open",
                                                    "--format", "json"))]
    assert opened == queue_open
    table = cli.run("--as", LEAD, "tickets", "list", "--open")
    assert [line.split()[0] for line in table.splitlines()
            if line.split()[:1] and line.split()[0] in set(queue_open)] == queue_open
    top = json.loads(cli.run("--as", LEAD, "tickets", "list", "--open", "--limit", "5",
                             "--format", "json"))
    assert [t["ref"] for t in top] == queue_open[:5]  # the five most urgent


def test_severity_reads_as_in_the_tui_queue_and_json_keeps_its_shape(cli: Cli) -> None:
    """Every read model holds the severity as a number (1..4); wherever people read it, it
    is ``S1``..``S4``: the table's Sev column and the TUI queue's write the same label, and
    `tickets list|show` JSON and CSV keep it as text ("" before classification), as always."""
    lea = viewer(cli.services, LEAD)
    rows = {r.ref: r for r in cli.services.queue.load_rows(viewer=lea)}
    tickets = {t.ref: t for t in cli.services.tickets.list_tickets(viewer=lea)}
    assert {ref: t.severity for ref, t in tickets.items()} == {
        ref: r.severity for ref, r in rows.items()}
    assert {t.severity for t in tickets.values()} <= {0, 1, 2, 3, 4}
    expected = {ref: f"S{t.severity}" if t.severity else "" for ref, t in tickets.items()}
    listed = json.loads(cli.run("--as", LEAD, "tickets", "list", "--format", "json"))
    assert {t["ref"]: t["severity"] for t in listed} == expected
    assert {t["severity"] for t in listed} & {"S1", "S2", "S3", "S4"}
    lines = csv.DictReader(io.StringIO(cli.run("--as", LEAD, "tickets", "list",
                                               "--format", "csv")))
    assert {row["ref"]: row["severity"] for row in lines} == expected
    table = cli.run("--as", LEAD, "tickets", "list")
    for line in table.splitlines():
        if line.split()[:1] and line.split()[0] in tickets:  # Ref, then Sev
            assert line.split()[1] == (expected[line.split()[0]] or "--"), line
    ref = next(ref for ref, label in expected.items() if label)
    shown = json.loads(cli.run("--as", LEAD, "tickets", "show", ref, "--format", "json"))
    assert shown["ticket"]["severity"] == expected[ref]


def test_list_keeps_hostile_titles_literal_and_bounded(cli: Cli, world: World) -> None:
    for width in (80, 160):
        out = cli.run("--as", LEAD, "tickets", "list", width=width)
        assert max(map(len, out.splitlines())) <= width
        assert HUGE[:100] not in out
        markup = next(line for line in out.splitlines()
                      if line.startswith(world.hostile["markup"] + " "))
        # shown as typed (not applied), whole or cut with an ellipsis
        assert MARKUP in markup or any(f"{MARKUP[:n]}…" in markup
                                       for n in range(11, len(MARKUP))), markup
        huge = next(line for line in out.splitlines()
                    if line.startswith(world.hostile["huge"] + " "))
        assert "…" in huge


def test_the_urgency_order_does_not_depend_on_the_rows_order() -> None:
    """Tickets created at the same moment (a burst of reports) keep one order: the lower Odoo
    id first, whatever order the store returned them in."""
    import random

    now = datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("UTC"))

    def row(odoo_id: int, state: str, minutes: float | None, severity: int,
            age: int) -> QueueRow:
        return QueueRow(odoo_id, f"HT{odoo_id:05}", "t", "", "", "", "defect", severity, state,
                        minutes, None, "", "", False, 0, "", False,
                        now - timedelta(hours=age), None, "")

    rows = [row(i, state, minutes, severity, age) for i, (state, minutes, severity, age) in
            enumerate([("on_track", 90.0, 2, 1)] * 4 + [("breached", -5.0, 1, 3)] * 3
                      + [("at_risk", 10.0, 3, 1), ("on_track", None, 0, 2)], start=1)]
    expected = [5, 6, 7, 8, 1, 2, 3, 4, 9]
    assert [r.odoo_id for r in by_urgency(list(rows))] == expected
    shuffled = list(rows)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert [r.odoo_id for r in by_urgency(list(shuffled))] == expected
        assert [r.odoo_id for r in filter_rows(shuffled, QueueFilter())] == expected


def test_a_closed_ticket_comes_after_every_open_one() -> None:
    """A ticket closed late keeps its breached clock, but needs nobody now: it sorts after the
    open tickets, however urgent its clock once was."""
    now = datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("UTC"))
    base = QueueRow(1, "HT00001", "t", "", "", "", "defect", 1, "breached", -500.0, None, "",
                    "", False, 0, "", False, now - timedelta(hours=9), None, "")
    rows = [base._replace(is_closed=True),
            base._replace(odoo_id=2, ref="HT00002", severity=4, sla_state="on_track",
                          sla_minutes_left=600.0),
            base._replace(odoo_id=3, ref="HT00003", sla_minutes_left=-5.0)]
    assert [r.odoo_id for r in by_urgency(list(rows))] == [3, 2, 1]


# -- tickets show ------------------------------------------------------------------------------

def test_show_has_clocks_escalations_and_known_issue_in_the_named_zone(cli: Cli,
                                                                       world: World) -> None:
    shown = json.loads(cli.run("--as", LEAD, "tickets", "show", world.followed,
                               "--format", "json"))
    assert {"ticket", "events", "also_affected", "sla", "escalations", "known_issue"} <= set(shown)
    assert shown["ticket"]["ref"] == world.followed
    now = world.now + timedelta(hours=1)
    text = cli.run("--as", LEAD, "tickets", "show", world.followed)
    assert "SLA clocks (business hours: bh, bm; times in Europe/Brussels)" in text
    assert {c["target"] for c in shown["sla"]} >= {"first_response", "resolution"}
    for clock in shown["sla"]:
        written = clock_text(ClockTime(clock["state"], clock["minutes_left"],
                                       _when(clock["due_at"]), _when(clock["met_at"]),
                                       clock["always_open"]), now=now, zone=ZONE, state=True)
        assert clock["text"] == written
        assert f"  {clock['target'].replace('_', ' '):<15} {written}" in text
    (escalation,) = shown["escalations"]
    assert (escalation["level"], escalation["status"], escalation["acknowledged_by"]) == (
        1, "acknowledged", LEAD)
    assert escalation["created_at"].endswith("+01:00")  # Brussels in November
    acknowledged = _named(escalation["acknowledged_at"])
    assert f"L1 {escalation['level_name']} - {escalation['trigger']}: customer waiting - " \
           f"{_named(escalation['created_at'])} - acknowledged by {LEAD} {acknowledged}" in text
    issue = shown["known_issue"]
    assert (issue["title"], issue["workaround"]) == (ISSUE_TITLE, WORKAROUND)
    assert f"known issue {issue['ref']} (workaround available): {ISSUE_TITLE}" in text
    assert f"  workaround: {WORKAROUND}" in text
    assert f"created {_named(shown['ticket']['created_at'])}" in text


def test_show_without_escalations_or_known_issue_says_so(cli: Cli) -> None:
    calm = next(t for t in json.loads(cli.run("tickets", "list", "--format", "json"))
                if not t["escalation_level"] and not t["known_issue"])
    text = cli.run("tickets", "show", calm["ref"])
    assert "escalations: none" in text and "known issue: none" in text
    shown = json.loads(cli.run("tickets", "show", calm["ref"], "--format", "json"))
    assert (shown["escalations"], shown["known_issue"]) == ([], None)


def test_show_masks_a_confidential_ticket_as_before(cli: Cli, world: World) -> None:
    for_bob = cli.run("--as", OTHER, "tickets", "show", world.payroll)
    assert MASKED_TITLE in for_bob and "4711" not in for_bob and "salary" not in for_bob
    assert "L1 super-user - manual:" in for_bob  # its escalation is shown, its text is not
    shown = json.loads(cli.run("--as", OTHER, "tickets", "show", world.payroll,
                               "--format", "json"))
    assert shown["ticket"]["masked"] is True
    assert [e["title"] for e in shown["escalations"]] == [MASKED_TITLE]
    assert "4711" not in json.dumps(shown)
    for_lea = json.loads(cli.run("--as", LEAD, "tickets", "show", world.payroll,
                                 "--format", "json"))
    assert [e["title"] for e in for_lea["escalations"]] == [PAYROLL_TITLE]


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _named(value: str) -> str:
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(ZONE))
    return f"{moment:%Y-%m-%d %H:%M} {ZONE}"
