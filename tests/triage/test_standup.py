"""The stand-up agenda (exceptions first, each ticket once) and its Markdown minutes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from hypercare.services.access import MASKED_TITLE
from hypercare.triage.minutes import HandledItem, MinutesInput, render_minutes
from hypercare.triage.standup import (
    Agenda,
    AgendaDecision,
    AgendaKnownIssue,
    AgendaTicket,
    OpenAction,
    build_agenda,
)

UTC = dt.UTC
NOW = dt.datetime(2025, 6, 3, 7, 0, tzinfo=UTC)  # Tuesday 09:00 in Brussels
SINCE = NOW - dt.timedelta(days=1)
SECTION_KEYS = ["actions", "severe", "sla", "escalations", "known_issues", "decisions",
                "unclassified"]


def ticket(odoo_id: int, **changes: Any) -> AgendaTicket:
    base = AgendaTicket(
        odoo_id=odoo_id, ref=f"HD-{odoo_id:03d}", title=f"Ticket {odoo_id}", company="Acme BE",
        team="Finance", app="Accounting", category="defect", category_confidence=0.9, severity=3,
        severity_confirmed=False, is_closed=False, created_at=SINCE - dt.timedelta(days=3),
        closed_at=None, sla_state="on_track", sla_due_at=None, escalation_level=0,
        awaiting_ack=False, known_issue_id=None, confidential=False,
    )
    return dataclasses.replace(base, **changes)


def section(agenda: Any, key: str) -> list[str]:
    return [item.ref for item in next(s for s in agenda.sections if s.key == key).items]


def test_sections_in_order_and_each_ticket_once_with_all_reasons() -> None:
    due = dt.datetime(2025, 6, 2, 12, 0, tzinfo=UTC)  # Monday 14:00 Brussels
    tickets = [
        ticket(1, severity=1, severity_confirmed=True, sla_state="breached", sla_due_at=due,
               awaiting_ack=True, escalation_level=2, category=""),
        ticket(2, severity=2),
        ticket(3, sla_state="at_risk", sla_due_at=NOW + dt.timedelta(hours=2)),
        ticket(4, sla_state="breached", sla_due_at=due),
        ticket(5, awaiting_ack=True, escalation_level=1, category_confidence=0.41),
        ticket(6, category_confidence=0.41),
        ticket(7, category="unclassified", category_confidence=None),
        ticket(8),  # nothing exceptional
        ticket(9, severity=1, is_closed=True, closed_at=NOW),  # closed: counts only
    ]
    agenda = build_agenda(tickets=tickets, since=SINCE, now=NOW, timezone="Europe/Brussels")
    assert [s.key for s in agenda.sections] == SECTION_KEYS
    assert [s.timebox_minutes for s in agenda.sections] == [3, 5, 5, 3, 3, 3, 3]
    assert section(agenda, "severe") == ["HD-001", "HD-002"]
    assert section(agenda, "sla") == ["HD-004", "HD-003"]  # earlier due first
    assert section(agenda, "escalations") == ["HD-005"]
    assert section(agenda, "unclassified") == ["HD-006", "HD-007"]
    refs = [item.ref for item in agenda.items()]
    assert len(refs) == len(set(refs)) == agenda.item_count == 7
    first = agenda.items()[0]
    assert first.why == ("S1 confirmed; SLA breached (due Mon 2 Jun 14:00); "
                         "escalation level 2 not acknowledged; not classified yet")
    assert first.subject_id == 1 and first.kind == "ticket"
    by_ref = {item.ref: item for item in agenda.items()}
    assert by_ref["HD-002"].why == "S2 suspected"
    assert by_ref["HD-005"].why == "escalation level 1 not acknowledged; confidence 0.41 < 0.60"
    assert by_ref["HD-007"].why == "unclassified"


def test_severity_then_due_time_then_ref_inside_a_section() -> None:
    soon, later = NOW + dt.timedelta(hours=1), NOW + dt.timedelta(hours=5)
    tickets = [ticket(1, severity=2, sla_state="at_risk", sla_due_at=soon),
               ticket(2, severity=1, sla_state="at_risk", sla_due_at=later),
               ticket(3, severity=2, sla_state="at_risk", sla_due_at=later),
               ticket(4, severity=2)]
    agenda = build_agenda(tickets=tickets, since=SINCE, now=NOW)
    assert section(agenda, "severe") == ["HD-002", "HD-001", "HD-003", "HD-004"]


@pytest.mark.parametrize(
    ("company", "team", "expected", "scope"),
    [(None, None, ["HD-001", "HD-002", "HD-003"], "all"),
     ("acme be", None, ["HD-001", "HD-002"], "company: acme be"),
     (None, "WAREHOUSE", ["HD-002", "HD-003"], "team: WAREHOUSE"),
     ("Acme BE", "warehouse", ["HD-002"], "company: Acme BE, team: warehouse")],
)
def test_scope_by_company_and_team(company: str | None, team: str | None,
                                   expected: list[str], scope: str) -> None:
    tickets = [ticket(1, severity=1), ticket(2, severity=1, team="Warehouse"),
               ticket(3, severity=1, team="Warehouse", company="Acme NL")]
    agenda = build_agenda(tickets=tickets, since=SINCE, now=NOW, company=company, team=team)
    assert section(agenda, "severe") == expected
    assert agenda.scope == scope
    assert agenda.counts["open"]["total"] == len(expected)


def test_confidential_tickets_keep_the_title_the_caller_masked() -> None:
    # masking is the access authority's (the stand-up service masks before it builds, see
    # tests/services/test_access.py): the agenda keeps the flag and shows what it is given
    secret = ticket(1, severity=1, title=MASKED_TITLE, confidential=True,
                    category="training_gap")
    agenda = build_agenda(tickets=[secret, ticket(2, severity=2, title="Invoice stuck")],
                          since=SINCE, now=NOW)
    item = agenda.items()[0]
    assert (item.ref, item.title, item.confidential, item.label) == (
        "HD-001", MASKED_TITLE, True, MASKED_TITLE)
    assert item.subject_id == 1
    handled = HandledItem(ref="HD-001", title=MASKED_TITLE, confidential=True,
                          what="owner -> Lea", by=("Lea",), at=NOW)
    text = render_minutes(minutes_of(agenda, handled=[handled], attendees=["Lea"],
                                     ended_at=NOW + dt.timedelta(minutes=15)))
    assert f"| HD-001 {MASKED_TITLE} | owner -> Lea | Lea | 07:00 |" in text
    assert "HD-002 Invoice stuck" in text  # not reached, and not confidential


def test_decisions_due_or_overdue_use_the_local_date() -> None:
    # 23:30 UTC on June 2 is already June 3 in Brussels.
    now = dt.datetime(2025, 6, 2, 23, 30, tzinfo=UTC)
    decisions = [
        AgendaDecision(1, "Who approves credit notes?", "Ana", dt.date(2025, 6, 3), "open"),
        AgendaDecision(2, "Rounding policy", "Ben", dt.date(2025, 5, 31), "open"),
        AgendaDecision(3, "Next week", "Ben", dt.date(2025, 6, 4), "open"),
        AgendaDecision(4, "Already decided", "Ben", dt.date(2025, 5, 1), "decided"),
        AgendaDecision(5, "No date", "Ben", None, "open"),
        AgendaDecision(6, "Yesterday", "", dt.date(2025, 6, 2), "open"),
    ]
    local = build_agenda(tickets=[], decisions=decisions, since=SINCE, now=now,
                         timezone="Europe/Brussels")
    items = [(i.ref, i.why) for s in local.sections if s.key == "decisions" for i in s.items]
    assert items == [("D-2", "overdue by 3 days, owner Ben"),
                     ("D-6", "overdue by 1 day, owner unassigned"),
                     ("D-1", "due today, owner Ana")]
    in_utc = build_agenda(tickets=[], decisions=decisions, since=SINCE, now=now)
    assert section(in_utc, "decisions") == ["D-2", "D-6"]
    assert [i.why for i in in_utc.items()] == ["overdue by 2 days, owner Ben",
                                                "due today, owner unassigned"]


def test_actions_and_known_issues_sections() -> None:
    actions = [OpenAction(7, "ticket:1", "Call the bank", "Lea", dt.date(2025, 6, 1)),
               OpenAction(8, "", "Write job aid", "", None)]
    kis = [AgendaKnownIssue(3, "Tax rounding", "open", 5, 2),
           AgendaKnownIssue(4, "Quiet", "open", 9, 0)]
    agenda = build_agenda(tickets=[], actions=actions, known_issues=kis, since=SINCE, now=NOW)
    assert [(i.ref, i.why) for i in agenda.items()] == [
        ("A-7", "owner Lea, overdue by 2 days"), ("A-8", "owner unassigned, no due date"),
        ("KI-3", "2 new linked tickets (5 in total, open)")]


def test_counts_new_closed_open_by_category_and_app() -> None:
    recent = SINCE + dt.timedelta(hours=2)
    tickets = [
        ticket(1, created_at=recent),
        ticket(2, created_at=recent, category="training_gap", app="Sales"),
        ticket(3, created_at=recent, category="", is_closed=True, closed_at=recent),
        ticket(4, is_closed=True, closed_at=recent, category="policy_ambiguity"),
        ticket(5, is_closed=True, closed_at=SINCE - dt.timedelta(days=1)),  # closed before
        ticket(6),
    ]
    counts = build_agenda(tickets=tickets, since=SINCE, now=NOW).counts
    assert dict(counts["new"]) == {"total": 3, "defect": 1, "training_gap": 1, "unclassified": 1}
    assert dict(counts["closed"]) == {"total": 2, "policy_ambiguity": 1, "unclassified": 1}
    assert dict(counts["open"]) == {"total": 3, "defect": 2, "training_gap": 1}
    assert dict(counts["by_app"]) == {"Accounting": 2, "Sales": 1}
    assert dict(counts["open_by_app"]) == {"Accounting": 2, "Sales": 1}


def test_training_themes_group_by_app_and_topic() -> None:
    gap = {"category": "training_gap"}
    tickets = [
        ticket(1, title="How to post a vendor bill?", **gap),
        ticket(2, title="Vendor bill stuck in draft", **gap),
        ticket(3, title="Cannot post vendor bill with tax", **gap),
        ticket(4, title="Reconcile bank statement", **gap),
        ticket(5, title="Bank statement import", app="Sales", **gap),
        ticket(6, title="Vendor bill", is_closed=True, closed_at=NOW,
               created_at=SINCE - dt.timedelta(days=2), **gap),  # old and closed: left out
        ticket(7, title="Vendor bill payroll secret", confidential=True, **gap),
        ticket(8, title="Vendor bill", category="defect"),
    ]
    themes = build_agenda(tickets=tickets, since=SINCE, now=NOW).training_themes
    assert [(t.app, t.topic, t.count, t.refs) for t in themes] == [
        ("Accounting", "vendor bill", 3, ("HD-001", "HD-002", "HD-003")),
        ("Accounting", "(confidential)", 1, ("HD-007",)),
        ("Accounting", "reconcile bank", 1, ("HD-004",)),
        ("Sales", "bank statement", 1, ("HD-005",)),
    ]


def test_training_theme_refs_are_capped_at_five() -> None:
    tickets = [ticket(i, ref=f"HD-{i}", title=f"Stock transfer question {i}",
                      category="training_gap") for i in range(1, 13)]
    (theme,) = build_agenda(tickets=tickets, since=SINCE, now=NOW).training_themes
    assert (theme.topic, theme.count) == ("stock transfer", 12)
    assert theme.refs == ("HD-1", "HD-2", "HD-3", "HD-4", "HD-5")  # natural order


def minutes_of(agenda: Agenda, *, handled: list[HandledItem] | None = None,
               new_actions: list[OpenAction] | None = None,
               carried_actions: list[OpenAction] | None = None,
               attendees: list[str] | None = None,
               ended_at: dt.datetime = NOW) -> MinutesInput:
    """What a stand-up on ``agenda`` recorded: nothing but what is given; every item of the
    agenda not handled is not reached."""
    done = {h.ref for h in handled or []}
    return MinutesInput(
        agenda=agenda, handled=handled or [], new_actions=new_actions or [], questions=[],
        known_issues=[], backlog=[], carried_actions=carried_actions or [],
        not_reached=[i for i in agenda.items() if i.ref not in done],
        attendees=attendees or [], started_at=NOW, ended_at=ended_at)


def test_minutes_markdown() -> None:
    tickets = [ticket(1, severity=1, title="Invoices | credit notes blocked"),
               ticket(2, severity=2)]
    agenda = build_agenda(tickets=tickets, since=SINCE, now=NOW, timezone="Europe/Brussels",
                          company="Acme BE")
    handled = [HandledItem("HD-001", "Invoices | credit notes blocked", False,
                           "category -> defect; owner -> Lea | Bo", ("Ana",), NOW)]
    new = [OpenAction(8, "HD-001", "Patch | deploy", "Lea", dt.date(2025, 6, 4))]
    older = [OpenAction(7, "HD-009", "Call the bank", "", None)]
    record = minutes_of(agenda, handled=handled, new_actions=new, carried_actions=older,
                        attendees=["Ana", "Lea"], ended_at=NOW + dt.timedelta(minutes=18))
    text = render_minutes(record)
    assert text.startswith("# Stand-up minutes: 2025-06-03 (company: Acme BE)\n")
    assert "09:00-09:18 Europe/Brussels (18 min)" in text
    assert "Attendees: Ana, Lea" in text
    assert "| Item | Decisions | By | Time |" in text
    assert ("| HD-001 Invoices \\| credit notes blocked | category -> defect; owner -> Lea \\| Bo "
            "| Ana | 09:00 |") in text
    new_actions = text.split("## New actions")[1].split("## ")[0]
    carried = text.split("## Carried-over actions")[1].split("## ")[0]
    assert "| A-8 Patch \\| deploy | HD-001 | Lea | 2025-06-04 |" in new_actions
    assert "| A-7 Call the bank | HD-009 | unassigned | no due date |" in carried
    assert "A-8" not in carried
    assert "| New | 0 |" in text and "| Open | 2 | 2 |" in text
    not_reached = text.split("## Not reached, carried over")[1]
    assert "HD-002" in not_reached and "HD-001" not in not_reached
    assert text == render_minutes(record)


def test_empty_agenda_keeps_every_section_and_renders() -> None:
    agenda = build_agenda(tickets=[], since=SINCE, now=NOW, timezone="Europe/Brussels",
                          timeboxes={"severe": 10})
    assert [s.key for s in agenda.sections] == SECTION_KEYS
    assert all(s.items == () for s in agenda.sections) and agenda.item_count == 0
    assert agenda.sections[1].timebox_minutes == 10
    assert agenda.counts["new"]["total"] == 0 and agenda.training_themes == ()
    text = render_minutes(minutes_of(agenda))
    for heading in ("## Handled items", "## New actions", "## New policy questions",
                    "## New known issues", "## Carried-over actions", "## Counts",
                    "## Training themes", "## Not reached, carried over"):
        assert heading in text
    assert "No decisions recorded." in text and "Attendees: none recorded" in text
    assert "None: every item was covered." in text


def test_rejects_naive_times_and_unknown_timeboxes() -> None:
    with pytest.raises(ValueError, match="aware"):
        build_agenda(tickets=[], since=SINCE.replace(tzinfo=None), now=NOW)
    with pytest.raises(ValueError, match="timeboxes"):
        build_agenda(tickets=[], since=SINCE, now=NOW, timeboxes={"coffee": 5})

