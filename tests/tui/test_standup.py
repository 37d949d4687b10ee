"""Stand-up mode end to end, and a known issue made from tickets marked in the queue."""

from __future__ import annotations

from typing import Any

import pytest

from hypercare.services import Services
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.queue import QueueScreen
from hypercare.tui.screens.standup import StandupScreen
from hypercare.tui.widgets.ticket_table import TicketTable
from tests.tui.conftest import make_app, plain, settle, ticket


async def open_standup(pilot: Any) -> StandupScreen:
    await settle(pilot)
    await pilot.press("M")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StandupScreen)
    return screen


async def test_a_full_standup(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_standup(pilot)
        assert screen.agenda is not None and screen.agenda.item_count >= 3
        assert "items" in plain(screen.query_one("#su-progress"))
        await pilot.press("enter")
        await settle(pilot)
        assert screen.running and screen.standup_id is not None
        tickets = [i for i in screen.items if i.kind == "ticket"]
        first, second = tickets[0], tickets[1]
        screen.position = screen.items.index(first)
        screen.show_item()
        await settle(pilot)
        shown = plain(screen.query_one("#su-progress"))
        assert f"{screen.position + 1} of {len(screen.items)}" in shown
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        for char in "marc":
            await pilot.press(char)
        await pilot.press("enter")
        await settle(pilot)
        screen.position = screen.items.index(second)
        screen.show_item()
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        severity_before = ticket(services, second.ref).severity_reasons
        await pilot.press("2")
        await settle(pilot)
        assert ticket(services, second.ref).severity == 2
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # the safe default: "No: keep it"
        await settle(pilot)
        assert ticket(services, second.ref).severity == 2
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("down", "enter")  # "Yes": takes back S2, keeps the category
        await settle(pilot)
        after = ticket(services, second.ref)
        assert after.category == "training_gap"
        assert after.severity_reasons == severity_before
        assert screen.decided[second.ref] == ["category training"]
        assert "category training" in plain(screen.query_one("#su-item"))
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # the safe default: "No: carry on"
        await settle(pilot)
        assert screen.ended is None and screen.running
        assert all(m.ended_at is None and not m.minutes for m in services.standup.minutes()
                   if m.id == screen.standup_id)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "enter")  # "Yes: end it"
        await settle(pilot)
        assert screen.ended is not None
        minutes = screen.ended.minutes
        assert first.ref in minutes and second.ref in minutes
        assert "marc" in minutes
        stored = services.standup.minutes()
        assert any(m.id == screen.standup_id and m.minutes == minutes for m in stored)
        queued = services.sla.list_outbox()
        assert any(m.kind == "standup_minutes" and "channel:standup" in m.recipients
                   and m.payload["standup_id"] == screen.standup_id for m in queued)
    assert ticket(services, first.ref).category == "defect"


async def test_scope_picker_narrows_the_agenda(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        everything = screen.agenda.item_count if screen.agenda else 0
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        for char in "industries us":
            await pilot.press("space" if char == " " else char)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.company == "Acme Industries US"
        assert screen.agenda is not None and screen.agenda.item_count < everything
        assert "company Acme Industries US" in plain(screen.query_one("#su-progress"))


async def test_known_issue_from_marked_tickets(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(TicketTable)
        await pilot.press("space", "space")
        marked = [r.ref for r in table.marked_rows()]
        assert len(marked) == 2
        await pilot.press("I")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        app.screen.query_one("#text").value = "Invoices print the wrong VAT"
        await pilot.press("enter")
        await settle(pilot)
        issue = next(k for k in services.known_issues.list_issues()
                     if k.title == "Invoices print the wrong VAT")
        linked = services.known_issues.show(known_issue_id=issue.id).ticket_refs
        assert sorted(linked) == sorted(marked)
        assert not table.marked


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_standup_snapshot(snap_compare: Any, services: Services, size: tuple[int, int]) -> None:
    async def run(pilot: Any) -> None:
        await open_standup(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)

    app = make_app(services)
    app.context.monotonic = lambda: 100.0  # a frozen meeting clock
    assert snap_compare(app, terminal_size=size, run_before=run)


async def started_on_a_ticket(pilot: Any) -> tuple[StandupScreen, Any]:
    screen = await open_standup(pilot)
    await pilot.press("enter")
    await settle(pilot)
    item = next(i for i in screen.items if i.kind == "ticket")
    screen.position = screen.items.index(item)
    screen.show_item()
    await settle(pilot)
    return screen, item


async def test_keys_typed_for_a_dialog_that_is_not_open_run_nothing(
        services: Services) -> None:
    ticks = [100.0]
    app = make_app(services, monotonic=lambda: ticks[0])
    async with app.run_test(size=(120, 40)) as pilot:
        screen, item = await started_on_a_ticket(pilot)
        before = ticket(services, item.ref)
        # the link dialog reads the known issues first: "t2e" typed meanwhile would
        # reclassify, change the severity and ask to end the meeting
        await pilot.press("l", "t", "2", "e")
        await settle(pilot)
        after = ticket(services, item.ref)
        assert (after.category, after.severity) == (before.category, before.severity)
        assert isinstance(app.screen, ChoiceScreen)
        assert "known issue" in plain(app.screen.query_one(".dialog-title"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.running and item.ref not in screen.decided
        # a dialog key that cannot open anything (an owner for an item that is no ticket)
        # refuses, and the rest of what was typed ("Marc": "a" would be nothing, but "e" in
        # "Lea" would end the meeting) is ignored for a moment
        discussion = next(i for i in screen.items if i.kind != "ticket")
        screen.position = screen.items.index(discussion)
        screen.show_item()
        await settle(pilot)
        await pilot.press("o", "l", "e", "a")
        await settle(pilot)
        assert app.screen is screen and screen.running
        ticks[0] += 5  # a moment later, keys are commands again
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.running


async def test_a_policy_question_asks_question_owner_and_due_date(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, item = await started_on_a_ticket(pilot)
        answers = ["Who approves refunds above 500 EUR?", "Finance (Marie)", "2026-12-01"]
        await pilot.press("q")
        for answer in answers:
            await pilot.pause()
            assert isinstance(app.screen, TextScreen)
            app.screen.query_one("#text").value = answer
            await pilot.press("enter")
        await settle(pilot)
        asked = next(d for d in services.decisions.list_decisions()
                     if d.question == answers[0])
        assert (asked.process_owner, str(asked.due_date)) == (answers[1], answers[2])
        assert screen.decided[item.ref] == [f"raised {asked.ref}"]
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.ended is not None
        questions = screen.ended.minutes.split("## New policy questions")[1].split("## ")[0]
        assert asked.ref in questions and "Finance (Marie)" in questions


async def test_a_known_issue_made_from_the_link_dialog(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, item = await started_on_a_ticket(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # the first choice: a new known issue from this ticket
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        app.screen.query_one("#text").value = "Tax summary wrong on printed invoices"
        await pilot.press("enter")
        await settle(pilot)
        made = next(k for k in services.known_issues.list_issues()
                    if k.title == "Tax summary wrong on printed invoices")
        assert services.known_issues.show(known_issue_id=made.id).ticket_refs == (item.ref,)
        assert screen.decided[item.ref] == [f"raised {made.ref}"]
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("down", "enter")  # undo takes the new known issue back
        await settle(pilot)
        assert all(k.id != made.id for k in services.known_issues.list_issues())
