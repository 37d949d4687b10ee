"""The handover pack over the simulated go-live of ``test_weekly_pack``: open tickets (the
confidential one masked), known issues, decisions, backlog, runbooks, exit evidence and
contacts, each checked against the services' own listings."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from hypercare.services import Services
from hypercare.services.packs.model import Pack
from hypercare.triage.sla_text import clock_text
from tests.packs.support import (
    MASKED_REF,
    NOW,
    PAYROLL_TITLE,
    local,
    payroll,
    strings,
)
from tests.services.test_home import LEAD
from tests.support import Clock, viewer

SECTIONS = ["open_tickets", "known_issues", "decisions", "backlog", "runbooks",
            "exit_evidence", "contacts"]
LEVELS = [{"level": 1, "name": "super-user", "contacts": ["U0SUPER"]},
          {"level": 2, "name": "functional lead", "contacts": ["U0FUNC", "S0FUNCTEAM"]},
          {"level": 3, "name": "partner"}]


@pytest.fixture
def services(open_services: Callable[..., Services]) -> Services:
    return open_services(escalation={"levels": LEVELS})


def rows(pack: Pack, name: str) -> list[dict[str, Any]]:
    table = next(t for t in pack.tables() if t.name == name)
    keys = [c.key for c in table.columns]
    return [dict(zip(keys, row, strict=True)) for row in table.rows]


def test_sections_and_every_open_ticket(services: Services) -> None:
    lea = viewer(services, LEAD)
    pack = services.packs.handover()
    assert (pack.kind, pack.week, pack.period_start) == ("handover", "2026-W48",
                                                         date(2026, 11, 23))
    assert [s.key for s in pack.sections] == SECTIONS
    opened = services.tickets.list_tickets(viewer=lea, open_only=True)
    shown = rows(pack, "open_tickets")
    assert len(shown) == len(opened)
    visible = {t.ref: t for t in opened if not t.confidential}
    assert {r["ref"] for r in shown if r["ref"] != MASKED_REF} == set(visible)
    for row in shown:
        if row["ref"] == MASKED_REF:
            assert row["title"] == "Confidential ticket"
            continue
        t = visible[row["ref"]]
        assert (row["title"], row["company"], row["team"], row["severity"], row["sla_state"],
                row["assignee"], row["known_issue"]) == (
            t.title, t.company, t.team, f"S{t.severity}" if t.severity else "",
            (t.sla_state or "").replace("_", " "),
            t.assignee, t.known_issue)
        # the SLA formatter's words, as the TUI, the CLI and Slack write them
        assert row["sla_time"] == clock_text(t.sla_clock(), now=NOW,
                                             zone=services.context.settings.timezone)
        assert t.created_at is not None
        assert row["age_days"] == round((NOW - t.created_at).total_seconds() / 86400, 1)
    assert any(" bh " in r["sla_time"] or " h " in r["sla_time"] for r in shown)
    assert [r["severity"] for r in shown] == sorted(
        (r["severity"] for r in shown), key=lambda s: s or "S9")
    hidden = sum(t.confidential for t in opened)
    assert pack.confidential_count == hidden >= 1
    assert next(t for t in pack.tables() if t.name == "open_tickets").note == (
        f"{hidden} confidential ticket{'s' if hidden > 1 else ''} counted, not shown")


def test_the_confidential_ticket_is_nowhere(services: Services) -> None:
    lea = viewer(services, LEAD)
    secret = payroll(services)
    services.known_issues.create(title="Payslips", viewer=lea, ticket_refs=(secret.ref,))
    pack = services.packs.handover()
    assert PAYROLL_TITLE not in repr(pack)
    assert f"'{secret.ref}'" not in repr(pack)
    assert "November shows last year" not in repr(pack)  # its description
    token = re.compile(rf"(?<![\w.]){re.escape(secret.ref)}(?![\w.])")
    assert not [s for s in strings(pack) if token.search(s)]
    assert next(t for t in pack.tables() if t.name == "known_issues").note == (
        "1 confidential ticket counted, not shown")


def test_known_issues_with_workarounds(services: Services) -> None:
    lea = viewer(services, LEAD)
    refs = [t.ref for t in services.tickets.list_tickets(viewer=lea, open_only=True)
            if not t.confidential]
    issue = services.known_issues.create(title="Credit notes lose the analytic account",
                                         viewer=lea, severity=2, owner="Marc", app="Invoicing",
                                         ticket_refs=tuple(refs[:3]))
    services.known_issues.set_workaround(known_issue_id=issue.id, viewer=lea,
                                         text="Set it again before posting.",
                                         review_date=date(2026, 12, 1))
    closed = services.known_issues.create(title="Fixed already", viewer=lea)
    services.known_issues.set_status(known_issue_id=closed.id, status="closed", viewer=lea)
    pack = services.packs.handover()
    assert rows(pack, "known_issues") == [{
        "ref": issue.ref, "title": "Credit notes lose the analytic account",
        "status": "workaround available", "severity": "S2", "owner": "Marc",
        "app": "Invoicing", "workaround": "Set it again before posting.",
        "review": date(2026, 12, 1), "tickets": 3}]
    linked = {r["ref"]: r["known_issue"] for r in rows(pack, "open_tickets")}
    assert all(linked[ref] == issue.ref for ref in refs[:3])


def test_decisions_taken_and_open(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    clock.now = local(date(2026, 11, 17), 10)
    taken = services.decisions.create(question="Allow negative stock?", owner="COO", viewer=lea)
    services.decisions.decide(decision_id=taken.id, outcome="No",
                              viewer=viewer(services, "COO"))
    late = services.decisions.create(question="Who approves refunds?", owner="CFO", viewer=lea,
                                     due_date=date(2026, 11, 20),
                                     options=(("Finance", "slower"),))
    clock.now = NOW
    pack = services.packs.handover()
    assert [(r["ref"], r["outcome"], r["owner"], r["decided_by"])
            for r in rows(pack, "decisions_taken")] == [(taken.ref, "No", "COO", "COO")]
    assert rows(pack, "decisions_open") == [{
        "ref": late.ref, "question": "Who approves refunds?",
        "options": "Finance (impact: slower)", "owner": "CFO", "due": date(2026, 11, 20),
        "days_overdue": 3, "tickets": 0}]
    owners = {r["owner"]: (r["open"], r["decided"]) for r in rows(pack, "process_owners")}
    assert owners == {"CFO": (1, 0), "COO": (0, 1)}


def test_backlog_scored_with_the_guard(services: Services) -> None:
    lea = viewer(services, LEAD)
    gaps = [t.odoo_id for t in services.tickets.list_tickets(viewer=lea)
            if t.category == "training_gap"]
    services.backlog.add(type="fix", viewer=lea, title="Fix posting", value=5, risk=4, effort="S")
    services.backlog.add(type="job_aid", viewer=lea, title="Returns card", value=2, risk=1,
                         effort="L")
    seed = services.backlog.add(type="enhancement", viewer=lea, title="Custom approval screen",
                                links=(f"ticket:{gaps[0]}",))
    done = services.backlog.add(type="fix", viewer=lea, title="Done already")
    services.backlog.update(item_id=done.item.id, status="done", viewer=lea)
    pack = services.packs.handover()
    assert [r["ref"] for r in rows(pack, "backlog")] == [
        s.item.ref for s in services.backlog.scored()]
    assert done.item.ref not in {r["ref"] for r in rows(pack, "backlog")}
    section = pack.section("backlog")
    assert "3 open backlog items: 2 stabilization, 1 enhancement." in section.summary
    assert f"{seed.item.ref} Custom approval screen: 1 linked ticket was a training gap" in (
        section.warnings)


def test_runbooks_exit_evidence_and_contacts(services: Services) -> None:
    services.kpis.record_exit(key="first_payroll", viewer=viewer(services, LEAD),
                              done_on=date(2026, 11, 20))
    pack = services.packs.handover()
    assert [(r["name"], r["title"]) for r in rows(pack, "runbooks")] == [
        (b.name, b.title) for b in services.runbooks.list_runbooks()]
    readiness = services.kpis.readiness()
    metrics = [c for c in readiness.criteria if c.kind == "metric"]
    assert [(r["criterion"], r["status"], r["value"], r["evidence"])
            for r in rows(pack, "exit_criteria")] == [
        (c.label, c.status.replace("_", " "), c.value, c.detail) for c in metrics]
    milestones = {r["criterion"]: r for r in rows(pack, "milestones")}
    assert milestones["First payroll run"]["status"] == "met"
    assert f"by {LEAD}" in milestones["First payroll run"]["evidence"]
    assert milestones["Process owners accept the handover"]["kind"] == "sign-off"
    assert f"Forecast: {readiness.forecast.explanation}." in pack.section(
        "exit_evidence").summary
    assert rows(pack, "escalation_levels") == [
        {"level": 1, "name": "super-user", "contacts": "U0SUPER"},
        {"level": 2, "name": "functional lead", "contacts": "U0FUNC, S0FUNCTEAM"},
        {"level": 3, "name": "partner", "contacts": "(none configured)"}]
    assert [r["lead"] for r in rows(pack, "leads")] == [LEAD, "U0LEAD"]
