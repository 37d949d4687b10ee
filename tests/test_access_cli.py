"""Who may do what from the command line.

``--as NAME`` names the person acting (else ``tui.user``, else the login name); the CLI
resolves them once through the services' access authority and passes them to every service,
which decides. Here ``roles.leads = ["lea"]``: ``bob`` is refused politely (exit 3, ``error:``
and ``hint:`` on stderr, nothing written to the store, the outbox or Odoo), ``lea`` is not.

One simulated go-live per module (real HTTP to the Odoo simulator): synced, swept, with
escalations, a known issue, a backlog item, policy decisions, a confidential payroll ticket
and replies held as "also affected" in a report's Slack thread. Each test runs the CLI
in-process on a private copy of that store, at the world's frozen clock, with the roles
read from a TOML file as a user would write them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hypercare.cli import main
from hypercare.config import Settings, load_settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import MASKED_TITLE, Services
from hypercare.store.tables import RaisedIssue
from tests.slack_mock import MockSlack
from tests.support import Clock, ServicesFactory, viewer
from tests.sync.conftest import client_for, make_sim, odoo_settings

LEAD = "lea"
OTHER = "bob"
OWNER = "olaf"
"""Owns the ``invoicing`` process (``roles.process_owners``)."""
SUPER = "U0SUPER"
"""A super-user in Slack (``roles.super_users``): may link tickets, may not lead."""
CONSULTANT = "U0CONSULT"
"""Level 1 of the escalation matrix: first-level escalations are sent to them."""
PARTNER = "U0PARTNER"
"""Level 3: notified once a lead approves."""
NEIGHBOURS = ("U0BYSTANDER", "U0NEIGHBOUR")
"""Reply in a report's thread without being super-users: their replies are held."""
HELD_TEXTS = ("Same here since this morning: invoices stay in draft",
              "We see it in the Antwerp warehouse too")
PAYROLL_TITLE = "Payroll: payslip of employee 4711 shows the wrong salary"
CHANNEL, THREAD = "C0GOLIVE", "1763650000.000100"
BOT_TOKEN = "xoxb-1111-2222-valid-test-token"

LEAD_ONLY = "Only command-center leads can"
HINT = "hint: Ask a lead, or bring it to the stand-up."

Result = tuple[int, str, str]


@dataclass
class World:
    sim: OdooSimulator
    golden: Path
    models: Path
    now: datetime
    payroll: str = ""
    """The confidential ticket's reference."""
    reported: str = ""
    """The reported ticket with two held replies."""
    reported_odoo_id: int = 0
    tickets: tuple[str, ...] = ()
    """Open, not confidential tickets nobody touched below."""
    pending: int = 0
    """An escalation to level 3 waiting for a lead's approval."""
    sent_to_consultant: tuple[int, int] = (0, 0)
    """Two level-1 escalations sent to CONSULTANT."""
    known: int = 0
    item: int = 0
    decisions: tuple[int, int] = (0, 0)
    """Two open policy questions of the invoicing process."""
    held: tuple[int, int] = (0, 0)


def config_text(world: World, db: Path, *, leads: tuple[str, ...] = (LEAD,)) -> str:
    """A hypercare.toml for the world: its store copy, the simulator, the roles."""
    def q(value: object) -> str:
        return json.dumps(value)  # a JSON string or array of strings is TOML too

    return "\n".join([
        f"database_url = {q(f'sqlite:///{db}')}",
        'timezone = "Europe/Brussels"',
        "[odoo]",
        f"url = {q(world.sim.url)}",
        'db = "hypercare"', 'login = "admin"', 'protocol = "json2"', "retries = 0",
        "[triage]",
        f"model_dir = {q(str(world.models))}",
        "[roles]",
        f"leads = {q(list(leads))}",
        f"super_users = {q([SUPER])}",
        f"process_owners = {{ invoicing = {q([OWNER])} }}",
        *_levels(),
    ]) + "\n"


def _levels() -> list[str]:
    lines = []
    for level, name, contacts in ((1, "super-user", [CONSULTANT]), (2, "functional lead", []),
                                  (3, "technical / partner", [PARTNER]),
                                  (4, "steering sponsor", [])):
        lines += ["[[escalation.levels]]", f"level = {level}", f'name = "{name}"',
                  f"contacts = {json.dumps(contacts)}"]
    return lines


def world_settings(world: World, db: Path, **roles: Any) -> Settings:
    levels = [{"level": 1, "name": "super-user", "contacts": [CONSULTANT]},
              {"level": 2, "name": "functional lead"},
              {"level": 3, "name": "technical / partner", "contacts": [PARTNER]},
              {"level": 4, "name": "steering sponsor"}]
    return Settings(database_url=f"sqlite:///{db}", timezone="Europe/Brussels",
                    odoo=odoo_settings(world.sim, protocol="json2"),
                    triage={"model_dir": str(world.models)}, escalation={"levels": levels},
                    roles={"leads": [LEAD], "super_users": [SUPER],
                           "process_owners": {"invoicing": [OWNER]}, **roles})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("access-cli")
    sim = make_sim(flavor="enterprise", version="19.0", tickets=40)
    try:
        client = client_for(sim, protocol="json2")
        try:  # an HR ticket: confidential
            client.create("helpdesk.ticket", {
                "name": PAYROLL_TITLE, "description": "<p>Last year's salary on it.</p>",
                "team_id": client.search("helpdesk.team", [], limit=1)[0]})
        finally:
            client.close()
        world = World(sim, root / "golden.db", root / "models", sim.now() + timedelta(minutes=30))
        with ServicesFactory(clock=lambda: world.now) as build:
            _prepare(build(world_settings(world, world.golden)), world)
        yield world
    finally:
        sim.stop()


def _prepare(services: Services, world: World) -> None:
    services.sync.run_sync()
    services.sla.sweep()
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    world.payroll = next(t.ref for t in tickets if t.title == PAYROLL_TITLE)
    assert next(t for t in tickets if t.ref == world.payroll).confidential
    escalated = {e.ref for e in services.sla.list_escalations(viewer=lea, include_done=True,
                                                              limit=10_000)}
    calm = [t for t in tickets if not t.is_closed and not t.confidential
            and t.ref not in escalated]
    assert len(calm) >= 8, "the go-live has open tickets nobody escalated yet"
    first, second, _ = (services.sla.escalate(ref=t.ref, viewer=lea) for t in calm[:3])
    assert (first.level, first.notified) == (1, (CONSULTANT,))
    world.sent_to_consultant = (first.id, second.id)
    services.sla.escalate(ref=calm[2].ref, viewer=lea)
    pending = services.sla.escalate(ref=calm[2].ref, viewer=lea)
    assert (pending.level, pending.status) == (3, "pending_approval")
    world.pending = pending.id
    world.tickets = tuple(t.ref for t in calm[3:8])
    world.known = services.known_issues.create(title="Credit notes lose the analytic account",
                                               viewer=lea, severity=2).id
    world.item = services.backlog.add(type="fix", title="Keep the analytic account on credit "
                                      "notes", viewer=lea, value=3, risk=2, effort="S").item.id
    world.decisions = tuple(services.decisions.create(  # type: ignore[assignment]
        question=question, owner="invoicing", viewer=lea).id for question in (
            "May sales release a credit hold above 10k EUR?",
            "Who approves a credit note after the VAT return?"))
    reported = calm[8] if len(calm) > 8 else calm[7]
    world.reported, world.reported_odoo_id = reported.ref, reported.odoo_id
    world.held = _held_replies(services, reported.odoo_id, reported.title)


def _held_replies(services: Services, odoo_id: int, title: str) -> tuple[int, int]:
    """A report raised in Slack (its ticket in Odoo) and two replies in its thread from
    people who may not write to Odoo: held for a lead."""
    now = services.context.clock()
    with services.context.store().session() as session:
        session.add(RaisedIssue(idempotency_key="raised-1", state="created",
                                request={"title": title}, odoo_id=odoo_id, reporter=SUPER,
                                channel=CHANNEL, thread_ts=THREAD, created_at=now,
                                updated_at=now))
    for number, (who, text) in enumerate(zip(NEIGHBOURS, HELD_TEXTS, strict=True)):
        outcome = services.threads.note_from_thread(
            channel=CHANNEL, thread_ts=THREAD, event_id=f"Ev{number}",
            viewer=viewer(services, who), text=text)
        assert outcome.state == "held", outcome
    held = services.affected.held(viewer=viewer(services, LEAD))
    assert [h.text for h in held] == list(HELD_TEXTS)
    return held[0].id, held[1].id


@dataclass
class Cli:
    """The CLI on a private copy of the world's store, and services to look at it."""

    run: Callable[..., Result]
    services: Services
    config: Path
    db: Path
    world: World

    def lead(self) -> Any:
        return viewer(self.services, LEAD)


@pytest.fixture
def cli(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    from hypercare import wiring

    clock = Clock(world.now + timedelta(hours=1))
    with ServicesFactory(tmp_path, clock=clock) as made:
        db = made.store("store.db", copy_of=world.golden)
        config = tmp_path / "hypercare.toml"
        config.write_text(config_text(world, db), encoding="utf-8")
        monkeypatch.setenv("HYPERCARE_CONFIG", str(config))
        monkeypatch.setenv("HYPERCARE_ODOO__PASSWORD", "admin")
        monkeypatch.setenv("HYPERCARE_ODOO__API_KEY", "sim-api-key")
        monkeypatch.setenv("COLUMNS", "200")
        real = wiring.build_services

        def at_world_time(settings: Settings, **kw: Any) -> Services:
            return real(settings, **{**kw, "clock": clock})

        monkeypatch.setattr(wiring, "build_services", at_world_time)

        def run(*args: str) -> Result:
            capsys.readouterr()
            code = main(list(args))
            out, err = capsys.readouterr()
            return code, out, err

        yield Cli(run, made(load_settings(config_path=config)), config, db, world)


def ok(result: Result) -> str:
    code, out, err = result
    assert code == 0, err
    return out


def refused(result: Result, message: str, hint: str = HINT) -> None:
    """Exit 3, said the way the CLI says every HypercareError: one ``error:`` line and one
    ``hint:`` line on stderr, no traceback, nothing on stdout."""
    code, out, err = result
    assert code == 3, (code, out, err)
    assert err.splitlines() == [f"error: {message}", hint]
    assert out == ""


def state(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store: what a refused command must leave as it was."""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    with services.context.store().session() as session:
        return {table.name: [tuple(row) for row in session.execute(select(table))]
                for table in SQLModel.metadata.sorted_tables}


def notes_in_odoo(sim: OdooSimulator, odoo_id: int) -> list[str]:
    client = client_for(sim, protocol="json2")
    try:
        found = client.search_read("mail.message", [
            ("model", "=", "helpdesk.ticket"), ("res_id", "=", odoo_id),
            ("is_internal", "=", True)], ["body"])
    finally:
        client.close()
    return [str(n["body"]) for n in found]


def escalation(services: Services, escalation_id: int) -> Any:
    found = services.sla.list_escalations(viewer=viewer(services, LEAD), include_done=True,
                                          limit=10_000)
    return next(e for e in found if e.id == escalation_id)


# -- the option ----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("triage", "approve", "1", "--by", LEAD),
    ("triage", "ack", "1", "--by", LEAD),
    ("triage", "decide", "42", "--category", "defect", "--by", LEAD),
    ("kpi", "record", "first_payroll", "--by", LEAD),
])
def test_by_is_gone(args: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    assert info.value.code == 2
    assert "unrecognized arguments: --by" in capsys.readouterr().err


def test_as_is_a_global_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert ("--as NAME act as NAME (a user name from roles, or a Slack user id); default "
            "tui.user, else your login name") in help_text
    with pytest.raises(SystemExit) as info:
        main(["--as", "  ", "tickets", "list"])
    assert info.value.code == 2
    assert "give a user name or a Slack user id" in capsys.readouterr().err


# -- approving, deciding, acknowledging ----------------------------------------------------

def test_approving_an_escalation_takes_a_lead(cli: Cli) -> None:
    pending = cli.world.pending
    before = state(cli.services)
    refused(cli.run("--as", OTHER, "triage", "approve", str(pending)),
            f"{LEAD_ONLY} approve L3/L4 escalations.")
    assert state(cli.services) == before
    assert escalation(cli.services, pending).status == "pending_approval"

    out = ok(cli.run("--as", LEAD, "triage", "approve", str(pending)))
    assert out == f"escalation #{pending} approved by {LEAD}; its contacts are notified\n"
    approved = escalation(cli.services, pending)
    assert (approved.status, approved.approved_by) == ("open", LEAD)
    sent = [m for m in cli.services.sla.list_outbox(limit=10_000)
            if m.kind == "escalation" and m.payload.get("escalation_id") == pending]
    assert [m.recipients for m in sent] == [(PARTNER,)]


def test_the_person_acting_defaults_to_tui_user(cli: Cli, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    pending = cli.world.pending
    monkeypatch.setenv("HYPERCARE_TUI__USER", OTHER)
    refused(cli.run("triage", "approve", str(pending)),
            f"{LEAD_ONLY} approve L3/L4 escalations.")
    assert escalation(cli.services, pending).status == "pending_approval"
    ok(cli.run("--as", LEAD, "triage", "approve", str(pending)))  # --as wins over tui.user
    assert escalation(cli.services, pending).approved_by == LEAD


def test_a_refusal_is_exit_code_3_of_the_process(cli: Cli) -> None:
    """The real process, as a shell sees it (the wall clock, the same store copy)."""
    env = {**os.environ, "HYPERCARE_CONFIG": str(cli.config)}
    result = subprocess.run(
        [sys.executable, "-m", "hypercare", "--as", OTHER, "triage", "approve",
         str(cli.world.pending)], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines() == [
        f"error: {LEAD_ONLY} approve L3/L4 escalations.", HINT]
    assert escalation(cli.services, cli.world.pending).status == "pending_approval"


def test_triage_decisions_take_a_lead(cli: Cli) -> None:
    ref = cli.world.tickets[0]
    before = state(cli.services)
    refused(cli.run("--as", OTHER, "triage", "decide", ref, "--category", "training_gap",
                    "--severity", "1", "--note", "payroll stops"),
            f"{LEAD_ONLY} classify tickets.")
    assert state(cli.services) == before

    out = ok(cli.run("--as", LEAD, "triage", "decide", ref, "--category", "training_gap",
                     "--severity", "1"))
    assert out == f"{ref}: category training_gap and severity S1 decided by {LEAD}\n"
    ticket = cli.services.tickets.show_ticket(ref=ref, viewer=cli.lead()).ticket
    assert (ticket.category, ticket.category_source, ticket.severity) == (
        "training_gap", "human", 1)


def test_an_alert_is_acknowledged_by_its_recipient_or_a_lead(cli: Cli) -> None:
    mine, other = cli.world.sent_to_consultant
    assert escalation(cli.services, mine).notified == (CONSULTANT,)
    before = state(cli.services)
    refused(cli.run("--as", OTHER, "triage", "ack", str(mine)),
            "You can acknowledge alerts only when they were sent to you; this one is for "
            "someone else.", "hint: A lead can act on it.")
    assert state(cli.services) == before

    assert ok(cli.run("--as", CONSULTANT, "triage", "ack", str(mine))) == (
        f"escalation #{mine} acknowledged by {CONSULTANT}\n")
    assert ok(cli.run("--as", LEAD, "triage", "ack", str(other))) == (
        f"escalation #{other} acknowledged by {LEAD}\n")
    assert [(e.status, e.acknowledged_by) for e in (escalation(cli.services, mine),
                                                    escalation(cli.services, other))] == [
        ("acknowledged", CONSULTANT), ("acknowledged", LEAD)]


# -- known issues, backlog, stand-up, exit criteria, policy decisions ----------------------

def test_known_issues_take_a_lead_and_linking_a_super_user(cli: Cli) -> None:
    known, (first, second) = cli.world.known, cli.world.tickets[:2]
    before = state(cli.services)
    refused(cli.run("--as", OTHER, "known", "create", "Stock moves post twice", "--ticket",
                    first), f"{LEAD_ONLY} manage known issues.")
    refused(cli.run("--as", OTHER, "known", "link", f"KI-{known}", first),
            "Only super-users can link tickets to known issues here.",
            "hint: Ask your team's super-user, or the command center, to add you to "
            "roles.super_users.")
    refused(cli.run("--as", OTHER, "known", "status", f"KI-{known}", "fix_in_test"),
            f"{LEAD_ONLY} manage known issues.")
    refused(cli.run("--as", OTHER, "known", "workaround", f"KI-{known}",
                    "Post from the list view"), f"{LEAD_ONLY} manage known issues.")
    assert state(cli.services) == before
    refused(cli.run("--as", SUPER, "known", "status", f"KI-{known}", "fix_in_test"),
            f"{LEAD_ONLY} manage known issues.")

    assert ok(cli.run("--as", SUPER, "known", "link", f"KI-{known}", first)) == (
        f"{first} linked to KI-{known}\n")
    created = ok(cli.run("--as", LEAD, "known", "create", "Stock moves post twice",
                         "--ticket", second))
    assert created.endswith("created with 1 tickets\n")
    ok(cli.run("--as", LEAD, "known", "workaround", f"KI-{known}", "Post from the list view"))
    ok(cli.run("--as", LEAD, "known", "status", f"KI-{known}", "fix_in_test"))
    issue = cli.services.known_issues.show(known_issue_id=known)
    assert (issue.status, issue.workaround, issue.ticket_refs) == (
        "fix_in_test", "Post from the list view", (first,))
    assert len(cli.services.known_issues.list_issues()) == 2


def test_the_backlog_takes_a_lead(cli: Cli) -> None:
    item = cli.world.item
    before = state(cli.services)
    refused(cli.run("--as", OTHER, "backlog", "add", "--type", "enhancement", "--title",
                    "A second approval step"), f"{LEAD_ONLY} change the improvement backlog.")
    refused(cli.run("--as", OTHER, "backlog", "update", f"B-{item}", "--value", "5",
                    "--status", "approved"), f"{LEAD_ONLY} change the improvement backlog.")
    assert state(cli.services) == before

    assert ok(cli.run("--as", LEAD, "backlog", "update", f"B-{item}", "--value", "5",
                      "--status", "approved")).startswith(f"B-{item} updated: score")
    assert ok(cli.run("--as", LEAD, "backlog", "add", "--type", "enhancement", "--title",
                      "A second approval step")).startswith("B-")
    items = {s.item.title: s.item for s in cli.services.backlog.scored(include_closed=True)}
    assert "A second approval step" in items
    updated = next(i for i in items.values() if i.id == item)
    assert (updated.value, updated.status) == (5, "approved")


def test_the_standup_is_run_by_a_lead(cli: Cli) -> None:
    ref = cli.world.tickets[0]
    before = state(cli.services)
    refused(cli.run("--as", OTHER, "standup", "start"), f"{LEAD_ONLY} run the stand-up.")
    assert state(cli.services) == before
    standup = ok(cli.run("--as", LEAD, "standup", "start", "--attendee", "Lea")).strip()

    before = state(cli.services)
    refused(cli.run("--as", OTHER, "standup", "record", standup, ref, "--category", "defect",
                    "--next-step", "reproduce it"), f"{LEAD_ONLY} run the stand-up.")
    refused(cli.run("--as", OTHER, "standup", "end", standup), f"{LEAD_ONLY} run the stand-up.")
    refused(cli.run("--as", OTHER, "standup", "question", standup, ref, "Who approves?",
                    "--owner", "Finance"), f"{LEAD_ONLY} run the stand-up.")
    refused(cli.run("--as", OTHER, "standup", "backlog", standup, ref, "Fix it"),
            f"{LEAD_ONLY} run the stand-up.")
    refused(cli.run("--as", OTHER, "standup", "undo", standup), f"{LEAD_ONLY} run the stand-up.")
    assert state(cli.services) == before
    assert [v.ended_at for v in cli.services.standup.minutes()] == [None]

    assert ok(cli.run("--as", LEAD, "standup", "record", standup, ref, "--category",
                      "defect", "--next-step", "reproduce it")) == f"recorded on {ref}\n"
    minutes = ok(cli.run("--as", LEAD, "standup", "end", standup))
    assert ref in minutes and "reproduce it" in minutes
    assert cli.services.standup.minutes()[0].ended_at is not None


def test_exit_criteria_are_signed_off_by_a_lead(cli: Cli) -> None:
    def status() -> str:
        return next(c.status for c in cli.services.kpis.readiness().criteria
                    if c.key == "first_payroll")

    before = state(cli.services)
    refused(cli.run("--as", OTHER, "kpi", "record", "first_payroll", "--note", "ran fine"),
            f"{LEAD_ONLY} sign off exit criteria.")
    assert state(cli.services) == before and status() == "pending"
    assert ok(cli.run("--as", LEAD, "kpi", "record", "first_payroll")) == (
        f"first_payroll recorded by {LEAD}\n")
    assert status() == "met"


def test_a_policy_question_is_decided_by_its_process_owner_or_a_lead(cli: Cli) -> None:
    first, second = cli.world.decisions
    before = state(cli.services)
    refused(cli.run("--as", OTHER, "decisions", "decide", f"D-{first}", "Finance only"),
            "Only the process owner (invoicing) or a lead can decide this policy question.",
            "hint: Ask them, or a command-center lead.")
    assert state(cli.services) == before

    out = ok(cli.run("--as", OWNER, "decisions", "decide", f"D-{first}", "Finance only"))
    assert out == f"D-{first} decided by {OWNER}: Finance only\n"
    ok(cli.run("--as", LEAD, "decisions", "decide", f"D-{second}", "The controller",
               "--backlog"))
    decided = {d.id: d for d in cli.services.decisions.list_decisions()}
    assert [(decided[i].status, decided[i].decided_by, decided[i].outcome)
            for i in (first, second)] == [("decided", OWNER, "Finance only"),
                                          ("decided", LEAD, "The controller")]
    assert any(s.item.title == "Configure: The controller"
               for s in cli.services.backlog.scored(include_closed=True))


# -- held replies --------------------------------------------------------------------------

def test_held_replies_are_sent_or_dismissed_by_a_lead(cli: Cli) -> None:
    world = cli.world
    first, second = world.held
    odoo_notes = notes_in_odoo(world.sim, world.reported_odoo_id)
    before = state(cli.services)
    refused(cli.run("--as", OTHER, "tickets", "held"), f"{LEAD_ONLY} send held replies to Odoo.")
    refused(cli.run("--as", OTHER, "tickets", "held", "send", str(first)),
            f"{LEAD_ONLY} send held replies to Odoo.")
    refused(cli.run("--as", OTHER, "tickets", "held", "dismiss", str(second)),
            f"{LEAD_ONLY} send held replies to Odoo.")
    assert state(cli.services) == before
    assert notes_in_odoo(world.sim, world.reported_odoo_id) == odoo_notes

    listed = ok(cli.run("--as", LEAD, "tickets", "held"))
    assert "2 held replies" in listed
    rows = [line.split() for line in listed.splitlines() if "held replies" not in line]
    for signal, who, text in zip(world.held, NEIGHBOURS, HELD_TEXTS, strict=True):
        row = next(r for r in rows if r[:1] == [str(signal)])
        assert row[1:3] == [world.reported, who] and " ".join(row).endswith(text)
    assert json.loads(ok(cli.run("--as", LEAD, "tickets", "held", world.reported,
                                 "--format", "json")))[0]["text"] == HELD_TEXTS[0]
    assert "0 held replies" in ok(cli.run("--as", LEAD, "tickets", "held", world.tickets[0]))

    sent = ok(cli.run("--as", LEAD, "tickets", "held", "send", str(first)))
    assert sent == (f"held reply #{first} on {world.reported} by {NEIGHBOURS[0]}: sent to "
                    "Odoo as an internal note\n")
    dismissed = ok(cli.run("--as", LEAD, "tickets", "held", "dismiss", str(second)))
    assert dismissed.startswith(f"held reply #{second} on {world.reported} by "
                                f"{NEIGHBOURS[1]}: dismissed")
    assert cli.services.affected.held(viewer=cli.lead()) == []
    added = [n for n in notes_in_odoo(world.sim, world.reported_odoo_id) if n not in odoo_notes]
    assert len(added) == 1 and HELD_TEXTS[0] in added[0] and HELD_TEXTS[1] not in added[0]
    code, _, err = cli.run("--as", LEAD, "tickets", "held", "send", str(first))
    assert code == 2 and f"affected signal {first} was already sent by {LEAD}" in err


def test_held_usage_errors(cli: Cli) -> None:
    for args in (("send",), ("dismiss", "1", "2"), ("send", "x"), ("HT1", "HT2")):
        code, out, err = cli.run("--as", LEAD, "tickets", "held", *args)
        assert code == 2 and out == "" and err.startswith("error: "), args
        assert "hint: Use `tickets held [REF]`" in err


def test_show_counts_who_is_also_affected(cli: Cli) -> None:
    ref = cli.world.reported
    for_bob = ok(cli.run("--as", OTHER, "tickets", "show", ref))
    assert "also affected: 2\n" in for_bob and NEIGHBOURS[0] not in for_bob
    for_lea = ok(cli.run("--as", LEAD, "tickets", "show", ref))
    assert f"also affected: 2 ({', '.join(NEIGHBOURS)})\n" in for_lea
    shown = json.loads(ok(cli.run("--as", OTHER, "tickets", "show", ref, "--format", "json")))
    assert (shown["also_affected"], shown["also_affected_names"]) == (2, [])
    assert "also affected: 0\n" in ok(cli.run("--as", LEAD, "tickets", "show",
                                              cli.world.tickets[0]))


# -- what each person sees -----------------------------------------------------------------

def test_a_confidential_title_is_masked_for_everyone_but_leads(cli: Cli) -> None:
    payroll = cli.world.payroll
    for args in (("tickets", "list"), ("tickets", "show", payroll)):
        for_bob = ok(cli.run("--as", OTHER, *args))
        assert payroll in for_bob and MASKED_TITLE in for_bob
        assert "4711" not in for_bob and "salary" not in for_bob
        for_lea = ok(cli.run("--as", LEAD, *args))
        assert PAYROLL_TITLE in for_lea and MASKED_TITLE not in for_lea
    listed = json.loads(ok(cli.run("--as", OTHER, "tickets", "list", "--format", "json")))
    masked = next(t for t in listed if t["ref"] == payroll)
    assert (masked["title"], masked["masked"]) == (MASKED_TITLE, True)
    assert "salary" not in masked["description"]
    unmasked = json.loads(ok(cli.run("--as", LEAD, "tickets", "show", payroll, "--format",
                                     "json")))["ticket"]
    assert (unmasked["title"], unmasked["masked"]) == (PAYROLL_TITLE, False)


# -- a Slack user group as the leads -------------------------------------------------------

def test_a_slack_user_group_can_be_the_leads(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.config.write_text(config_text(cli.world, cli.db, leads=("S0LEADS",)),
                          encoding="utf-8")
    pending = cli.world.pending
    with MockSlack(token=BOT_TOKEN) as slack:
        slack.workspace.groups["S0LEADS"] = ["U0MEMBER"]
        monkeypatch.setenv("HYPERCARE_SLACK__BOT_TOKEN", BOT_TOKEN)
        monkeypatch.setenv("HYPERCARE_SLACK__API_URL", slack.url)
        refused(cli.run("--as", "U0OTHER", "triage", "approve", str(pending)),
                f"{LEAD_ONLY} approve L3/L4 escalations.")
        assert escalation(cli.services, pending).status == "pending_approval"
        refused(cli.run("--as", LEAD, "triage", "approve", str(pending)),
                f"{LEAD_ONLY} approve L3/L4 escalations.")  # not in the group: no lead now
        asked = slack.calls("usergroups.users.list")
        assert asked and all(c.payload.get("usergroup") == "S0LEADS" for c in asked)

        ok(cli.run("--as", "U0MEMBER", "triage", "approve", str(pending)))
    approved = escalation(cli.services, pending)
    assert (approved.status, approved.approved_by) == ("open", "U0MEMBER")
