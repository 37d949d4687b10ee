"""The stand-up card as the room sees it: one fact per line, outside text as data, bounded;
and the agenda preview with what fits and what is carried over."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from rich.console import Console, RenderableType

from hypercare.services import CardAction, CardReply, Services, StandupCard
from hypercare.services.standup.card import first_lines
from hypercare.services.tickets.views import KnownIssueLink, SlaClockView
from hypercare.triage.standup import AgendaItem, AgendaTicket, build_agenda
from hypercare.tui.screens.standup import StandupScreen
from hypercare.tui.widgets.standup_view import (
    LINE_LIMIT,
    due_date_text,
    item_text,
    preview_text,
)
from tests.support.hostile import CONTROLS, HUGE, MARKUP, RTL, raw_controls
from tests.tui.conftest import make_app, plain, settle

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday 16:00 in Brussels
ZONE = "Europe/Brussels"
BOOM = "[bold red]boom[/]"
LABELS = ["Why", "Now", "Age", "Company", "Description", "Last reply", "SLA", "Known issue",
          "Workaround", "Next step"]


def render(renderable: RenderableType, width: int) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"),  # noqa: SIM115
                      color_system="truecolor")
    try:
        console.print(renderable)
        return console.export_text()
    finally:
        console.file.close()


def a_card(**changes: Any) -> StandupCard:
    card = StandupCard(
        ref="HT00042", odoo_id=42, title="Vendor bill posting fails with VAT error",
        created_at=NOW - timedelta(days=3, hours=4, minutes=7), company="Acme Industries BE",
        app="Accounting", severity=2, category="defect", assignee="Marc Dupont",
        description=("Posting fails with 'VAT tag missing'.", "Since go-live."),
        description_more=False,
        last_reply=CardReply("Julie Martin", NOW - timedelta(hours=2), "agent"),
        clocks=(SlaClockView("first_response", "met", NOW - timedelta(days=3), 30.0,
                             NOW - timedelta(days=3, hours=1), False),
                SlaClockView("resolution", "breached", NOW - timedelta(hours=2), -150.0, None,
                             False)),
        known_issue=KnownIssueLink("KI-3", "Credit note lines lose the analytic account",
                                   "workaround_available", "Post from the list view"),
        actions=(CardAction(5, "Call the vendor about the VAT tags", "marc",
                            date(2026, 11, 23), True),
                 CardAction(2, "Check the journal", "lea", None)))
    return dataclasses.replace(card, **changes)


def an_item(**changes: Any) -> AgendaItem:
    item = AgendaItem("severe", "ticket", "HT00042", "Vendor bill posting fails with VAT error",
                      "S2 suspected; SLA breached (due 14:00)", 42)
    return dataclasses.replace(item, **changes)


def lines_of(shown: str) -> dict[str, str]:
    """The first line of each labelled fact: ``{label: rest of the line}``."""
    facts: dict[str, str] = {}
    for row in shown.splitlines():
        for label in LABELS:
            if row.startswith(label + " ") and label not in facts:
                facts[label] = row[len(label):].strip()
    return facts


@pytest.mark.parametrize("width", [50, 130])
def test_the_card_is_one_fact_a_line_in_order(width: int) -> None:
    shown = render(item_text(an_item(), None, a_card(), ["category defect"], now=NOW,
                             zone=ZONE), width)
    facts = lines_of(shown)
    assert list(facts) == LABELS
    assert facts["Now"] == "S2 · defect · with Marc Dupont"
    assert facts["Age"].startswith("3 d 4 h · opened Tue 17 Nov")
    assert facts["Company"].startswith("Acme Industries BE · app Accounting")
    assert facts["Last reply"] == "Julie Martin (agent) · 14:00"  # 13:00 UTC
    assert facts["SLA"].startswith("first response: met")
    assert facts["Known issue"].startswith("KI-3 Credit note")
    flat = " ".join(shown.split())
    assert "resolution: breached, 2 bh 30 bm over" in flat
    assert "marc: Call the vendor about the VAT tags · due Mon 23 Nov (+1 more open)" in flat
    assert "✔ category defect" in flat
    assert "Similar" not in shown  # unknown until similarity exists
    assert max(map(len, shown.splitlines())) <= width


def test_similar_tickets_show_when_known() -> None:
    shown = render(item_text(an_item(), None, a_card(similar_open=4), [], now=NOW, zone=ZONE),
                   130)
    assert "Similar     4 open tickets" in shown


def test_hostile_text_is_literal_and_bounded() -> None:
    lines, more = first_lines(HUGE + "\n" + CONTROLS + "\n" + BOOM + "\n" + RTL)
    card = a_card(title=BOOM, description=lines, description_more=more, company=MARKUP,
                  app=BOOM, assignee=CONTROLS,
                  last_reply=CardReply(MARKUP, NOW, "customer"),
                  known_issue=KnownIssueLink("KI-1", BOOM, "investigating", HUGE),
                  actions=(CardAction(1, HUGE, BOOM, None),))
    item = an_item(title=BOOM, why=f"S1 confirmed {BOOM}")
    renderable = item_text(item, None, card, [BOOM], now=NOW, zone=ZONE)
    for width in (50, 160):
        shown = render(renderable, width)
        assert BOOM in shown and "[bold red]x[/bold red] [/] invoice" in shown
        assert not raw_controls(shown)
        assert "A" * (LINE_LIMIT * 2 + 1) not in shown.replace("\n", "").replace(" ", "")
        assert len(shown.replace(" ", "")) < 6_000  # 100 kB in, a screenful out
    assert "Posting blocked AAAA" in render(renderable, 160)


def test_markup_never_styles_the_card() -> None:
    """Rich markup in a title or description shows as itself: no red, no bold from it."""
    card = a_card(description=(BOOM,), title=BOOM)
    text = render(item_text(an_item(title=BOOM), None, card, [], now=NOW, zone=ZONE), 160)
    assert text.count(BOOM) == 2  # the item's label and the description line


def test_a_ticket_whose_card_is_not_read_yet() -> None:
    shown = render(item_text(an_item(), None, None, [], now=NOW, zone=ZONE), 80)
    assert "reading the ticket" in shown and "Why" in shown and "Description" not in shown


def test_an_item_that_is_not_a_ticket_has_no_card() -> None:
    item = AgendaItem("actions", "action", "A-7", "Call the bank", "owner lea, due today", 7)
    shown = render(item_text(item, None, None, [], now=NOW, zone=ZONE), 80)
    assert "Open action A-7" in shown and "reading" not in shown and "SLA" not in shown


def test_empty_facts_read_as_such() -> None:
    card = a_card(description=(), last_reply=None, clocks=(), known_issue=None, actions=(),
                  severity=0, category="", assignee="", app="", created_at=None)
    facts = lines_of(render(item_text(an_item(), None, card, [], now=NOW, zone=ZONE), 130))
    assert facts["Now"] == "S? · not classified yet"
    assert facts["Age"] == "unknown" and facts["Company"] == "Acme Industries BE"
    assert facts["Description"] == "none" and facts["Last reply"] == "none yet in Odoo"
    assert facts["SLA"] == "not evaluated yet"
    assert facts["Next step"].startswith("none yet")
    assert "Known issue" not in facts


@pytest.mark.parametrize(("due", "shown"), [
    (None, "no due date"), (date(2026, 11, 20), "due today"),
    (date(2026, 11, 23), "due Mon 23 Nov"), (date(2026, 11, 17), "overdue since Tue 17 Nov"),
    (date(2027, 1, 4), "due Mon 4 Jan 2027")])
def test_due_dates(due: date | None, shown: str) -> None:
    assert due_date_text(due, now=NOW, zone=ZONE) == shown


def severe(n: int) -> AgendaTicket:
    return AgendaTicket(
        odoo_id=n, ref=f"HD-{n:03d}", title=f"Ticket {n}", company="Acme BE", team="Finance",
        app="Accounting", category="defect", category_confidence=0.9, severity=2,
        severity_confirmed=False, is_closed=False, created_at=NOW - timedelta(days=2),
        closed_at=None, sla_state="on_track", sla_due_at=None, escalation_level=0,
        awaiting_ack=False, known_issue_id=None, confidential=False)


@pytest.mark.parametrize("width", [50, 130])
def test_the_preview_shows_what_fits_and_what_is_carried_over(width: int) -> None:
    agenda = build_agenda(tickets=[severe(n) for n in range(1, 42)],
                          since=NOW - timedelta(days=1), now=NOW)
    shown = render(preview_text(agenda), width)
    flat = " ".join(shown.split())
    assert "Today's agenda: 15 items, about 5 minutes (26 carried over)" in flat
    header = shown.split("Section")[0] + shown.split("Section")[1].split("\n")[0]
    assert all(word in header for word in ("Items", "Carried", "over", "Time", "box"))
    assert ("41 S1/S2 items: 15 fit in 5 min, 26 carried over to the next stand-up"
            in flat)
    severe_row = next(r for r in shown.splitlines() if r.startswith("Confirmed"))
    assert severe_row.split()[-4:] == ["15", "26", "5", "min"]


def test_the_preview_of_a_quiet_day_has_no_carry_note() -> None:
    agenda = build_agenda(tickets=[severe(1)], since=NOW - timedelta(days=1), now=NOW)
    shown = render(preview_text(agenda), 130)
    assert "carried over to the next stand-up" not in shown and "(1 carried" not in shown


async def test_the_screen_shows_the_card_at_80x24(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StandupScreen) and screen.current is not None
        ticket_items = [i for i in screen.items if i.kind == "ticket"]
        screen.position = screen.items.index(ticket_items[0])
        screen.show_item()
        await settle(pilot)
        shown = plain(screen.query_one("#su-item"), width=50)
        for label in ("Why", "Now", "Age", "Company", "Description", "Last reply", "SLA",
                      "Next step"):
            assert f"\n{label} " in shown, label
        assert ticket_items[0].ref in shown
