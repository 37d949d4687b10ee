"""The weekly steering pack over a store synced from the Odoo simulator (see pack_support):
every expectation is counted from ``list_tickets`` and the other services' listings, not from
the pack's code. Headline, week boundaries, charts, exit criteria, defects, SLA, training
and known issues."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

import pytest

from hypercare.services import Services
from tests.packs.support import (
    MASKED_REF,
    MONDAY_TITLE,
    NOW,
    SECTIONS,
    SUNDAY_TITLE,
    W46,
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
)
from tests.services.test_home import LEAD
from tests.support import Clock, viewer


def test_default_week_is_the_last_complete_one_with_every_section(services: Services) -> None:
    pack = services.packs.weekly()
    assert (pack.kind, pack.week, pack.period_start, pack.period_end) == (
        "weekly", "2026-W47", W47, date(2026, 11, 22))
    assert [s.key for s in pack.sections] == SECTIONS
    assert pack.timezone == "Europe/Brussels" and pack.generated_at == NOW
    assert not pack.empty
    assert all(s.summary for s in pack.sections)
    assert services.packs.weekly(week="2026-w47") == pack


def test_headline_kpis_against_the_week_before(services: Services) -> None:
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    pack = services.packs.weekly()
    start, end = bounds(W47)
    before, _ = bounds(W46)
    assert (line(pack, "open_backlog").value, line(pack, "open_backlog").previous) == (
        sum(open_at(t, end) for t in tickets), sum(open_at(t, start) for t in tickets))
    assert (line(pack, "inflow").value, line(pack, "inflow").previous) == (
        sum(inside(t.created_at, start, end) for t in tickets),
        sum(inside(t.created_at, before, start) for t in tickets))
    assert (line(pack, "outflow").value, line(pack, "outflow").previous) == (
        sum(closed_between(t, start, end) for t in tickets),
        sum(closed_between(t, before, start) for t in tickets))
    assert line(pack, "net_flow").value == line(pack, "inflow").value - line(  # type: ignore[operator]
        pack, "outflow").value
    assert line(pack, "open_s1").value == sum(open_at(t, end) and t.severity == 1
                                              for t in tickets)
    assert line(pack, "policy_open").value == sum(
        open_at(t, end) and t.category == "policy_ambiguity" for t in tickets)
    created = [t for t in tickets if inside(t.created_at, start, end)]
    gaps = sum(t.category == "training_gap" for t in created)
    assert line(pack, "training_gap_share").value == round(100 * gaps / len(created), 1)
    judged = [t.sla_state for t in tickets if closed_between(t, start, end)
              and t.sla_state in ("met", "breached")]
    attainment = round(100 * judged.count("met") / len(judged), 1)
    assert line(pack, "sla_attainment").value == attainment
    assert line(pack, "sla_attainment").on_target is (attainment >= 90)
    mttr = [(t.closed_at - t.created_at).total_seconds() / 3600 for t in tickets
            if closed_between(t, start, end) and t.created_at and t.closed_at]
    assert line(pack, "mttr").value == pytest.approx(round(statistics.median(mttr), 1), abs=0.051)
    assert "sla_breaches" not in {k.key for k in pack.headline}  # no snapshot to read it from
    table = rows(pack, "executive", "kpis")
    assert [(r["label"], r["value"], r["previous"]) for r in table] == [
        (k.label, k.value, k.previous) for k in pack.headline]
    assert all(r["change"] == (None if k.change is None else round(k.change, 1))
               for r, k in zip(table, pack.headline, strict=True))


def test_a_ticket_at_sunday_2330_is_in_the_week_one_at_monday_0010_in_the_next(
        services: Services) -> None:
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    sunday = next(t for t in tickets if t.title == SUNDAY_TITLE)
    monday = next(t for t in tickets if t.title == MONDAY_TITLE)
    assert sunday.created_at == local(date(2026, 11, 22), 23, 30)
    assert monday.created_at == local(date(2026, 11, 23), 0, 10)
    start, end = bounds(W47)
    others = sum(inside(t.created_at, start, end) for t in tickets
                 if t.title not in (SUNDAY_TITLE, MONDAY_TITLE))
    assert line(services.packs.weekly(week="2026-W47"), "inflow").value == others + 1
    running = services.packs.weekly(week="2026-W48")
    assert line(running, "inflow").value == 1  # Monday 00:10; the week runs to 09:30
    assert any("still running" in n for n in running.notes)
    complete = services.packs.weekly(week="2026-W47")
    for pack, ticket in ((complete, sunday), (running, monday)):  # the ticket-based sections
        assert ticket.category in ("training_gap", "defect")
        if ticket.category == "training_gap":
            counted = sum(r["tickets"] for r in rows(pack, "training", "training_themes"))
            category = "training_gap"
        else:
            counted = sum(r["opened"] for r in rows(pack, "defects", "defects_by_severity"))
            category = "defect"
        first, last = bounds(pack.period_start)
        assert counted == sum(t.category == category and inside(t.created_at, first, last)
                              for t in tickets)
    inflow = next(c for c in services.packs.weekly().section("executive").charts
                  if c.title == "Inflow per day")
    assert inflow.values[inflow.labels.index("2026-11-22")] == sum(
        t.created_at is not None and t.created_at.astimezone(ZONE).date() == date(2026, 11, 22)
        for t in tickets)


def test_charts_cover_the_last_four_weeks_day_by_day(services: Services) -> None:
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    charts = {c.title: c for c in services.packs.weekly().section("executive").charts}
    # the last four weeks, from the go-live on (no pre-go-live zeros): with no go_live set,
    # from the day the first ticket was created
    first = min(t.created_at for t in tickets if t.created_at).astimezone(ZONE).date()
    days = [d for d in (date(2026, 10, 26) + timedelta(days=i) for i in range(28))
            if d >= first]
    assert days and days[0] == max(first, date(2026, 10, 26))
    for title in ("Open backlog per day", "Inflow per day", "Outflow per day"):
        assert charts[title].labels == tuple(d.isoformat() for d in days)
        assert charts[title].kind == "line"
    assert charts["Open backlog per day"].values == tuple(
        float(sum(open_at(t, local(d + timedelta(days=1))) for t in tickets)) for d in days)
    assert charts["Outflow per day"].values == tuple(
        float(sum(closed_between(t, local(d), local(d + timedelta(days=1))) for t in tickets))
        for d in days)


def test_exit_criteria_and_forecast_as_of_the_weeks_end(services: Services,
                                                        clock: Clock) -> None:
    _, end = bounds(W47)
    clock.now = end - timedelta(microseconds=1)
    readiness = services.kpis.readiness()
    clock.now = NOW
    executive = services.packs.weekly().section("executive")
    assert rows(services.packs.weekly(), "executive", "exit_criteria") == [
        {"criterion": c.label, "status": c.status.replace("_", " "), "value": c.value,
         "trend": c.trend, "detail": c.detail} for c in readiness.criteria]
    assert f"Forecast: {readiness.forecast.explanation}." in executive.summary
    met = sum(c.status == "met" for c in readiness.criteria)
    assert any(line.startswith(f"Exit criteria: {met} of {len(readiness.criteria)} met, "
                               "judged on the daily values to ") for line in executive.summary)


@pytest.mark.parametrize("monday", [W46, W47])
def test_defects_by_severity_and_age(services: Services, monday: date) -> None:
    lea = viewer(services, LEAD)
    defects = [t for t in services.tickets.list_tickets(viewer=lea) if t.category == "defect"]
    start, end = bounds(monday)
    pack = services.packs.weekly(week=f"2026-W{monday.isocalendar()[1]}")
    by_severity = {r["severity"]: r for r in rows(pack, "defects", "defects_by_severity")}
    ages = {r["severity"]: r for r in rows(pack, "defects", "defect_age")}
    assert {"S1", "S2", "S3", "S4"} <= set(by_severity)
    for level, row in by_severity.items():
        mine = [t for t in defects if (f"S{t.severity}" if t.severity else "unrated") == level]
        still = [t for t in mine if open_at(t, end)]
        age = [(end - t.created_at).total_seconds() / 86400 for t in still if t.created_at]
        assert (row["open"], row["opened"], row["closed"]) == (
            len(still), sum(inside(t.created_at, start, end) for t in mine),
            sum(closed_between(t, start, end) for t in mine)), level
        assert row["median_age_days"] == (round(statistics.median(age), 1) if age else None)
        buckets = Counter("0-2 d" if a < 3 else "3-7 d" if a < 8 else "8-14 d" if a < 15
                          else ">14 d" for a in age)
        assert [ages[level][f"age_{i}"] for i in range(4)] == [
            buckets[b] for b in ("0-2 d", "3-7 d", "8-14 d", ">14 d")]
    chart = next(c for c in pack.section("defects").charts)
    assert (chart.kind, dict(zip(chart.labels, chart.values, strict=True))) == (
        "bar", {level: float(row["open"]) for level, row in by_severity.items()})


def test_sla_performance_and_escalations_of_the_week(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    open_refs = [t.ref for t in tickets if not t.is_closed and not t.confidential]
    clock.now = local(date(2026, 11, 21), 10)  # Saturday of the week
    services.sla.escalate(ref=open_refs[0], viewer=lea, reason="stuck")
    services.sla.escalate(ref=payroll(services).ref, viewer=lea, reason="HR asks")
    clock.now = NOW
    services.sla.escalate(ref=open_refs[1], viewer=lea, reason="after the week")
    start, end = bounds(W47)
    pack = services.packs.weekly()
    closed = [t for t in tickets if closed_between(t, start, end)]
    for row in rows(pack, "defects", "sla_performance"):
        target = row["target"].replace(" ", "_")
        states = [c["state"] for t in closed for c in t.sla_clocks if c["target"] == target]
        met, breached = states.count("met"), states.count("breached")
        assert (row["met"], row["breached"]) == (met, breached)
        assert row["attainment"] == (met / (met + breached) if met + breached else None)
    resolution = rows(pack, "defects", "sla_performance")[-1]
    assert round(100 * resolution["attainment"], 1) == line(pack, "sla_attainment").value
    week = [e for e in services.sla.list_escalations(viewer=lea, include_done=True)
            if inside(e.created_at, start, end)]
    secret = {f"ticket:{t.odoo_id}" for t in tickets if t.confidential}
    assert sorted(r["ref"] for r in rows(pack, "defects", "escalations")) == sorted(
        MASKED_REF if e.subject in secret else e.ref for e in week)
    assert {r["ref"] for r in rows(pack, "defects", "escalations")} >= {open_refs[0],
                                                                        MASKED_REF}
    assert open_refs[1] not in {r["ref"] for r in rows(pack, "defects", "escalations")}
    assert note(pack, "defects", "escalations") == "1 confidential ticket counted, not shown"


def test_training_themes_of_the_week(services: Services) -> None:
    lea = viewer(services, LEAD)
    start, end = bounds(W47)
    gaps = [t for t in services.tickets.list_tickets(viewer=lea)
            if t.category == "training_gap" and inside(t.created_at, start, end)]
    assert gaps
    section = services.packs.weekly().section("training")
    themes = rows(services.packs.weekly(), "training", "training_themes")
    assert sum(r["tickets"] for r in themes) == len(gaps)
    per_app = Counter(t.app or "(no app)" for t in gaps)
    assert {r["app"] for r in themes} == set(per_app)
    for app, count in per_app.items():
        assert sum(r["tickets"] for r in themes if r["app"] == app) == count
    assert all(r["job_aid"] == f"Job aid: {r['topic']} in {r['app']} (quick reference card)"
               for r in themes)
    chart = section.charts[0]
    assert chart.kind == "bar" and dict(zip(chart.labels, chart.values, strict=True)) == {
        app: float(n) for app, n in per_app.items()}
    assert f"{len(gaps)} training gaps raised this week" in section.summary[0]


def test_known_issues_count_confidential_tickets_without_listing_them(
        services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    refs = [t.ref for t in tickets if not t.is_closed and not t.confidential][:2]
    clock.now = local(date(2026, 11, 18), 11)
    issue = services.known_issues.create(title="Invoices lose the analytic account", viewer=lea,
                                         severity=2,
                                         ticket_refs=(*refs, payroll(services).ref))
    services.known_issues.set_workaround(known_issue_id=issue.id, viewer=lea,
                                         text="Set it again on each line.")
    clock.now = NOW
    later = services.known_issues.create(title="Created after the week", viewer=lea)
    pack = services.packs.weekly()
    assert rows(pack, "known_issues", "known_issues") == [{
        "ref": issue.ref, "title": "Invoices lose the analytic account",
        "status": "workaround available", "severity": "S2",
        "workaround": "Set it again on each line.", "tickets": 3}]
    assert later.ref not in {r["ref"] for r in rows(pack, "known_issues", "known_issues")}
    assert note(pack, "known_issues", "known_issues") == "1 confidential ticket counted, not shown"
    assert (line(pack, "known_issues_open").value, line(pack, "known_issues_open").previous) \
        == (1, 0)


