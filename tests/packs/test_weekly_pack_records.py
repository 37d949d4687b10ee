"""The weekly steering pack over a store synced from the Odoo simulator (see pack_support):
every expectation is counted from ``list_tickets`` and the other services' listings, not from
the pack's code. Decisions, the backlog and its guard, confidentiality, snapshots, empty
weeks, week parsing."""

from __future__ import annotations

import re
from datetime import date

import pytest

from hypercare.errors import UsageError
from hypercare.kpi.registry import parse_week
from hypercare.services import Services
from tests.packs.support import (
    MASKED_REF,
    NOW,
    PAYROLL_TITLE,
    SECTIONS,
    W47,
    ZONE,
    bounds,
    closed_between,
    inside,
    line,
    local,
    note,
    open_at,
    payroll,
    rows,
    strings,
)
from tests.services.test_home import LEAD
from tests.support import Clock, viewer


def test_decisions_requested_and_taken(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    refs = [t.ref for t in services.tickets.list_tickets(viewer=lea) if not t.confidential]
    ids = [int(t.odoo_id) for t in services.tickets.list_tickets(viewer=lea)
           if t.ref in refs[:2]]
    clock.now = local(date(2026, 11, 19), 10)
    late = services.decisions.create(
        question="Who approves credit notes above 5,000?", owner="CFO", viewer=lea,
        due_date=date(2026, 11, 18), options=(("Finance lead", "one more step"),
                                              ("Any accountant", "faster, riskier")),
        links=tuple(f"ticket:{i}" for i in ids))
    soon = services.decisions.create(question="Round VAT per line?", owner="Controller",
                                     viewer=lea, due_date=date(2026, 12, 1))
    done = services.decisions.create(question="Allow negative stock?", owner="COO", viewer=lea)
    clock.now = local(date(2026, 11, 20), 16)
    services.decisions.decide(decision_id=done.id, outcome="No, never",
                              viewer=viewer(services, "COO"))
    clock.now = NOW
    services.decisions.create(question="Asked after the week", owner="CFO", viewer=lea)
    services.decisions.decide(decision_id=soon.id, outcome="Yes",
                              viewer=viewer(services, "Controller"))
    pack = services.packs.weekly()
    assert rows(pack, "decisions", "decisions_requested") == [
        {"ref": late.ref, "question": late.question,
         "options": "Finance lead (impact: one more step); Any accountant (impact: faster, "
                    "riskier)", "owner": "CFO", "due": date(2026, 11, 18), "days_overdue": 4,
         "tickets": 2},
        {"ref": soon.ref, "question": soon.question, "options": "", "owner": "Controller",
         "due": date(2026, 12, 1), "days_overdue": 0, "tickets": 0}]
    taken = rows(pack, "decisions", "decisions_taken")
    assert [(r["ref"], r["outcome"], r["decided_by"]) for r in taken] == [
        (done.ref, "No, never", "COO")]
    assert taken[0]["decided_at"] == local(date(2026, 11, 20), 16).astimezone(ZONE)
    assert (line(pack, "decisions_overdue").value,
            line(pack, "decisions_overdue").previous) == (1, 0)
    assert "2 policy questions open for the committee (1 overdue); 1 decided this week." in (
        pack.section("decisions").summary)


def test_backlog_by_score_with_the_weeks_changes(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    clock.now = local(date(2026, 11, 10), 9)
    old = services.backlog.add(type="fix", viewer=lea, title="Old fix", value=2, risk=2, effort="M")
    clock.now = local(date(2026, 11, 17), 9)
    top = services.backlog.add(type="fix", viewer=lea, title="Fix VAT rounding", value=5, risk=5,
                               effort="S")
    low = services.backlog.add(type="job_aid", viewer=lea, title="Card for returns", value=1,
                               risk=1, effort="XL")
    mid = services.backlog.add(type="enhancement", viewer=lea, title="Custom approval screen",
                               value=3, risk=2, effort="M")
    gone = services.backlog.add(type="fix", viewer=lea, title="Closed in the week", value=4,
                                risk=4)
    clock.now = local(date(2026, 11, 19), 9)
    services.backlog.update(item_id=gone.item.id, status="done", viewer=lea)
    services.backlog.update(item_id=old.item.id, status="approved", viewer=lea)
    clock.now = NOW
    services.backlog.add(type="fix", viewer=lea, title="Added after the week")
    pack = services.packs.weekly()
    expected = [s for s in services.backlog.scored(include_closed=True)
                if s.item.id in {old.item.id, top.item.id, low.item.id, mid.item.id}]
    expected.sort(key=lambda s: -s.score)
    table = rows(pack, "backlog", "backlog")
    assert [r["ref"] for r in table] == [s.item.ref for s in expected]
    assert [r["score"] for r in table] == sorted((r["score"] for r in table), reverse=True)
    assert table[0]["ref"] == top.item.ref and table[-1]["ref"] == low.item.ref
    assert {r["ref"]: r["kind"] for r in table}[mid.item.ref] == "enhancement"
    first = table[0]
    assert (first["value"], first["risk"], first["effort"], first["explanation"]) == (
        5, 5, "S", top.explanation)
    assert "4 items open at the week's end: 3 stabilization, 1 enhancement." in (
        pack.section("backlog").summary)
    changes = [(r["ref"], r["change"]) for r in rows(pack, "backlog", "backlog_changes")]
    assert sorted(changes) == sorted([
        (top.item.ref, "created"), (low.item.ref, "created"), (mid.item.ref, "created"),
        (gone.item.ref, "created"), (gone.item.ref, "closed (done)"),
        (old.item.ref, "updated")])


def test_the_guard_warns_when_enhancements_grow(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    gaps = [t.odoo_id for t in tickets if t.category == "training_gap"][:2]
    clock.now = local(date(2026, 11, 10), 9)
    for title in ("Fix posting", "Fix lot labels"):
        services.backlog.add(type="fix", viewer=lea, title=title)
    clock.now = local(date(2026, 11, 18), 9)
    seed = services.backlog.add(type="enhancement", viewer=lea, title="Custom approval screen",
                                links=tuple(f"ticket:{i}" for i in gaps))
    services.backlog.add(type="enhancement", viewer=lea, title="Extra report")
    clock.now = NOW
    warnings = services.packs.weekly().section("backlog").warnings
    assert warnings[0].startswith("Enhancements grew from 0% to 50% of the open backlog "
                                  "this week (2 of 4).")
    assert f"{seed.item.ref} Custom approval screen: 2 linked tickets were a training gap" \
        in warnings
    assert services.packs.weekly(week="2026-W46").section("backlog").warnings == ()


def test_confidential_tickets_are_counted_never_shown(services: Services,
                                                      clock: Clock) -> None:
    lea = viewer(services, LEAD)
    secret = payroll(services)
    clock.now = local(date(2026, 11, 21), 10)
    services.sla.escalate(ref=secret.ref, viewer=lea, reason="HR asks")
    services.known_issues.create(title="Payslips", viewer=lea, ticket_refs=(secret.ref,))
    services.backlog.add(type="fix", viewer=lea, title="Payslip fix",
                         links=(f"ticket:{secret.odoo_id}",))
    clock.now = NOW
    pack = services.packs.weekly()
    assert PAYROLL_TITLE not in repr(pack)
    assert f"'{secret.ref}'" not in repr(pack)
    token = re.compile(rf"(?<![\w.]){re.escape(secret.ref)}(?![\w.])")
    assert not [s for s in strings(pack) if token.search(s) or "payslip of" in s.lower()]
    start, end = bounds(W47)
    tickets = services.tickets.list_tickets(viewer=lea)
    counted = [t for t in tickets if t.confidential and (
        inside(t.created_at, start, end) or closed_between(t, start, end) or open_at(t, start))]
    assert pack.confidential_count == len(counted) >= 1
    if secret.category == "defect":  # counted in the defects, its ref nowhere
        opened = sum(r["opened"] for r in rows(pack, "defects", "defects_by_severity"))
        assert opened == sum(t.category == "defect" and inside(t.created_at, start, end)
                             for t in tickets)
        assert note(pack, "defects", "defects_by_severity").startswith(
            f"{sum(t.category == 'defect' for t in counted)} confidential ticket")
    assert MASKED_REF in {r["ref"] for r in rows(pack, "defects", "escalations")}


def test_previous_values_come_from_snapshots_when_stored(services: Services,
                                                         clock: Clock) -> None:
    clock.now = local(date(2026, 11, 15), 20)  # Sunday of the week before
    services.kpis.snapshot()
    clock.now = NOW
    stored = {key: dict(services.kpis.history(key=key, days=30))[date(2026, 11, 15)]
              for key in ("open_backlog", "sla_breaches")}
    pack = services.packs.weekly()
    assert line(pack, "open_backlog").previous == stored["open_backlog"]
    breaches = line(pack, "sla_breaches")
    assert (breaches.value, breaches.previous) == (None, stored["sla_breaches"])
    assert line(pack, "inflow").previous == line(
        services.packs.weekly(week="2026-W46"), "inflow").value  # windowed: recomputed


def test_a_week_without_data(services: Services) -> None:
    pack = services.packs.weekly(week="2026-W30")
    assert pack.empty and pack.confidential_count == 0
    assert (pack.period_start, pack.period_end) == (date(2026, 7, 20), date(2026, 7, 26))
    assert [s.key for s in pack.sections] == SECTIONS
    assert pack.section("executive").summary[0].startswith("Nothing to report for 2026-W30")
    for section in pack.sections[1:]:
        assert section.summary and section.summary[0].startswith("No "), section.key
    for table in pack.tables():
        assert table.columns
        if table.name in ("defects_by_severity", "defect_age", "sla_performance"):
            assert all(cell in (0, None) for row in table.rows for cell in row[1:]), table.name
        elif table.name not in ("kpis", "exit_criteria"):
            assert table.rows == (), table.name
    # a week before the first ticket (the go-live when none is set) has no values, not zeros
    assert line(pack, "open_backlog").value is None and line(pack, "inflow").value is None
    assert [c.key for c in next(t for t in pack.tables()
                                if t.name == "decisions_requested").columns] == [
        "ref", "question", "options", "owner", "due", "days_overdue", "tickets"]
    assert not services.packs.weekly().empty


@pytest.mark.parametrize("text", ["2026-48", "W48", "2026-W54", "2025-W53", "2026-W00",
                                  "", "2026-W4x", "26-W48"])
def test_parse_week_refuses_anything_but_an_iso_week(text: str) -> None:
    with pytest.raises(UsageError, match="2026-W48"):
        parse_week(text)


def test_parse_week_and_the_future(services: Services) -> None:
    assert parse_week("2026-W48") == (date(2026, 11, 23), date(2026, 11, 29))
    assert parse_week("2026-W53") == (date(2026, 12, 28), date(2027, 1, 3))
    assert parse_week(" 2027-w01 ") == (date(2027, 1, 4), date(2027, 1, 10))
    with pytest.raises(UsageError, match="not started"):
        services.packs.weekly(week="2026-W49")
    with pytest.raises(UsageError, match="2026-W48"):
        services.packs.weekly(week="last week")
