"""Known issues, decisions and backlog screens: what they show, and the actions by key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input, OptionList, Static

from hypercare.services import Services
from hypercare.tui.screens.backlog import BacklogScreen
from hypercare.tui.screens.decisions import DecisionsScreen
from hypercare.tui.screens.known_issues import KnownIssuesScreen
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.records import RecordScreen
from tests.tui.conftest import LEAD, lead, make_app, plain, settle

SEEDED = "Credit note lines lose the analytic account"


async def until(pilot: Pilot[Any], check: Callable[[], bool], what: str) -> None:
    """Let the app work until ``check`` holds (dialogs open and close between messages)."""
    for _ in range(200):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


async def show(pilot: Pilot[Any], key: str) -> Any:
    """Press the app's key for a record screen; wait until it has read its records."""
    await settle(pilot)
    await pilot.press(key)
    await until(pilot, lambda: getattr(pilot.app.screen, "loaded_once", False),
                f"the screen of {key} read its records")
    await settle(pilot)
    return pilot.app.screen


async def dialog(pilot: Pilot[Any], key: str) -> Any:
    """Press ``key`` and wait for the dialog it opens to take the focus."""
    await pilot.press(key)
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TextScreen | ChoiceScreen)
                and app.focused is not None and app.focused.screen is app.screen,
                f"a dialog after {key}")
    return app.screen


async def answer(pilot: Pilot[Any], text: str) -> None:
    """Type into the open dialog's line (or narrow a choice), press enter, let it all settle."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TextScreen | ChoiceScreen)
                and app.focused is not None and app.focused.screen is app.screen, "a dialog")
    screen = app.screen
    if isinstance(screen, TextScreen):
        screen.query_one("#text", Input).value = text
    else:
        screen.query_one("#narrow", Input).value = text
        words = text.lower().split()
        wanted = sum(all(w in label.lower() for w in words) for label, _ in screen.choices)
        options = screen.query_one(OptionList)
        await until(pilot, lambda: options.option_count == wanted
                    and options.highlighted == 0, f"the choices narrowed to {text!r}")
    await pilot.press("enter")
    await until(pilot, lambda: app.screen is not screen, "the dialog closed")
    await settle(pilot)


def text_of(screen: Any, selector: str) -> str:
    return plain(screen.query_one(selector, Static))


def linked_issue(services: Services, ref: str) -> str:
    """The known issue ``ref`` is linked to, as the services tell the lead ("" for none)."""
    return services.tickets.show_ticket(ref=ref, viewer=lead(services)).ticket.known_issue


def seeded_issue(services: Services) -> int:
    return next(k.id for k in services.known_issues.list_issues() if k.title == SEEDED)


# -- known issues ------------------------------------------------------------------------


async def test_known_issues_screen_shows_the_seeded_issue(services: Services) -> None:
    issue = services.known_issues.show(known_issue_id=seeded_issue(services))
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await show(pilot, "K")
        assert isinstance(screen, KnownIssuesScreen)
        assert screen.RUNBOOK == "daily-triage-standup"
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        detail = text_of(screen, "#ki-detail-text")
        assert SEEDED in detail and "investigating" in detail
        assert all(ref in detail for ref in issue.ticket_refs) and len(issue.ticket_refs) == 3
        assert "Known issues" in plain(screen.query_one("#topbar"))
        assert "1 open known issue" in text_of(screen, "#ki-summary")


async def test_status_change_is_stored_and_broadcast(services: Services) -> None:
    issue_id = seeded_issue(services)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(pilot, "K")
        choice = await dialog(pilot, "s")
        assert isinstance(choice, ChoiceScreen)
        assert "broadcast to the reporters" in choice.title_text
        await answer(pilot, "fix in test")
        assert services.known_issues.show(known_issue_id=issue_id).status == "fix_in_test"
        sent = services.known_issues.broadcasts(known_issue_id=issue_id)
        assert [b.change for b in sent] == ["status:fix_in_test"] and sent[0].recipients >= 1
        detail = text_of(screen, "#ki-detail-text")
        assert "status → fix in test" in detail
        assert f"{sent[0].recipients} reporter" in detail


async def test_workaround_with_review_date(services: Services) -> None:
    issue_id = seeded_issue(services)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show(pilot, "K")
        note = await dialog(pilot, "W")
        assert isinstance(note, TextScreen) and note.multiline
        note.query_one("#text").insert("Post the credit note from the invoice list")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not note, "the workaround dialog closed")
        await answer(pilot, "not a date")  # asked again
        await answer(pilot, "2026-12-01")
        issue = services.known_issues.show(known_issue_id=issue_id)
        assert issue.workaround == "Post the credit note from the invoice list"
        assert issue.workaround_review_date == date(2026, 12, 1)
        assert issue.status == "workaround_available"
        detail = text_of(screen, "#ki-detail-text")
        assert "Post the credit note" in detail and "review by 2026-12-01" in detail
        assert "workaround" in detail.split("Broadcasts")[1]


async def test_new_known_issue_then_link_and_unlink_a_ticket(services: Services) -> None:
    ref = next(t.ref for t in services.tickets.list_tickets(viewer=lead(services),
                                                            open_only=True)
               if not t.known_issue and not t.confidential)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(pilot, "K")
        await dialog(pilot, "n")
        await answer(pilot, "Lot numbers lost on split pickings")
        [created] = [k for k in services.known_issues.list_issues() if k.title != SEEDED]
        assert created.title == "Lot numbers lost on split pickings"
        assert screen.query_one(DataTable).row_count == 2
        assert screen.current_key == str(created.id)  # the new one is highlighted
        await dialog(pilot, "l")
        await answer(pilot, ref)
        assert linked_issue(services, ref) == created.ref
        assert ref in text_of(screen, "#ki-detail-text")
        assert isinstance(await dialog(pilot, "x"), ChoiceScreen)
        await answer(pilot, ref)
        assert linked_issue(services, ref) == ""


async def test_closed_issues_on_demand(services: Services) -> None:
    services.known_issues.set_status(known_issue_id=seeded_issue(services), status="closed",
                                     viewer=lead(services))
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(pilot, "K")
        assert screen.query_one(DataTable).row_count == 0
        assert "n creates one" in text_of(screen, "#ki-detail-text")
        await pilot.press("a")
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 1
        assert "closed" in text_of(screen, "#ki-detail-text")


# -- decisions ---------------------------------------------------------------------------


async def test_new_question_then_its_outcome(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(pilot, "D")
        assert isinstance(screen, DecisionsScreen)
        await dialog(pilot, "n")
        await answer(pilot, "Who approves credit notes above 5,000 EUR?")
        await answer(pilot, "Finance (Marie)")
        await answer(pilot, "2026-11-25")
        [created] = services.decisions.list_decisions()
        assert (created.question, created.process_owner, created.status, created.due_date) == \
            ("Who approves credit notes above 5,000 EUR?", "Finance (Marie)", "open",
             date(2026, 11, 25))
        assert "Finance (Marie)" in text_of(screen, "#dec-detail-text")
        assert isinstance(await dialog(pilot, "o"), TextScreen)  # no options: write it
        await answer(pilot, "The finance controller")
        assert isinstance(app.screen, ChoiceScreen)
        await answer(pilot, "record it")
        decided = services.decisions.show(decision_id=created.id)
        assert (decided.status, decided.outcome, decided.decided_by) == \
            ("decided", "The finance controller", LEAD)
        assert services.backlog.items() == []
        detail = text_of(screen, "#dec-detail-text")
        assert "The finance controller" in detail and f"by {LEAD}" in detail


async def test_outcome_from_the_options_can_add_a_backlog_task(services: Services) -> None:
    decisions, lea = services.decisions, lead(services)
    late = decisions.create(question="Which price list for intercompany sales?", owner="Sales",
                            viewer=lea, due_date=date(2026, 11, 10),
                            options=(("Cost plus 5 %", "simple"), ("List price", "margins")))
    later = decisions.create(question="May warehouse staff cancel deliveries?",
                             owner="Logistics", viewer=lea, due_date=date(2026, 12, 10))
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await show(pilot, "D")
        table = screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == [late.ref, later.ref]
        assert str(table.get_row_at(0)[1]) == "OVERDUE"
        assert "overdue" in text_of(screen, "#dec-detail-text")
        assert "1 overdue" in text_of(screen, "#dec-summary")
        assert isinstance(await dialog(pilot, "o"), ChoiceScreen)
        await answer(pilot, "list price")
        await answer(pilot, "backlog")
        decided = decisions.show(decision_id=late.id)
        assert (decided.status, decided.outcome) == ("decided", "List price")
        [task] = services.backlog.items()
        assert task.title == "Configure: List price"
        assert screen.current().status == "decided"  # type: ignore[union-attr]


# -- backlog -----------------------------------------------------------------------------


async def test_new_backlog_item_then_approved(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(pilot, "B")
        assert isinstance(screen, BacklogScreen)
        assert "by priority score" in text_of(screen, "#bl-summary")
        await dialog(pilot, "n")
        await answer(pilot, "job aid")
        await answer(pilot, "Job aid: splitting a picking")
        [item] = services.backlog.items()
        assert (item.type, item.title, item.status) == ("job_aid", "Job aid: splitting a picking",
                                                        "proposed")
        assert screen.query_one(DataTable).row_count == 1
        await dialog(pilot, "s")
        await answer(pilot, "approved")
        assert services.backlog.item(item_id=item.id).status == "approved"
        assert "approved" in text_of(screen, "#bl-detail")


async def test_backlog_by_score_with_the_guard_and_sizing(services: Services) -> None:
    backlog, lea = services.backlog, lead(services)
    low = backlog.add(type="fix", title="low", viewer=lea, value=1, risk=1, effort="XL")
    high = backlog.add(type="fix", title="high", viewer=lea, value=5, risk=5, effort="S")
    done = backlog.add(type="fix", title="done", viewer=lea, value=5, risk=5, effort="S")
    backlog.update(item_id=done.item.id, viewer=lea, status="done")
    grown = backlog.add(type="enhancement", title="Custom screen", viewer=lea)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(pilot, "B")
        table = screen.query_one(DataTable)
        refs = [str(table.get_row_at(i)[0]) for i in range(4)]
        assert refs[0] == high.item.ref and refs[-1] == done.item.ref  # open by score
        assert refs.index(low.item.ref) > refs.index(grown.item.ref)
        summary = text_of(screen, "#bl-summary")
        assert "Enhancements grew" in summary  # the guard
        table.move_cursor(row=refs.index(low.item.ref))
        await settle(pilot)
        assert "Score " in text_of(screen, "#bl-detail")
        await dialog(pilot, "z")
        await answer(pilot, "5")
        await answer(pilot, "5")
        await answer(pilot, "S")
        sized = backlog.show(item_id=low.item.id)
        assert (sized.item.value, sized.item.risk, sized.item.effort) == (5, 5, "S")
        await until(pilot, lambda: str(table.get_row_at(0)[0]) in (low.item.ref, high.item.ref),
                    "the sized item rises")


# -- every screen at 80x24 -----------------------------------------------------------------


@pytest.mark.parametrize(("key", "kind"), [("K", KnownIssuesScreen), ("D", DecisionsScreen),
                                           ("B", BacklogScreen)])
async def test_each_screen_fits_80x24(services: Services, key: str,
                                      kind: type[RecordScreen]) -> None:
    lea = lead(services)
    services.decisions.create(question="Who approves returns?", owner="Finance", viewer=lea)
    services.backlog.add(type="fix", title="Keep the analytic account", viewer=lea)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show(pilot, key)
        assert isinstance(screen, kind) and app.is_running
        assert screen.RUNBOOK
        assert kind.TOP_TITLE in plain(screen.query_one("#topbar"))
        table = screen.query_one(DataTable)
        assert table.row_count == 1 and table.region.height >= 2
        assert table.region.right <= 80
        assert screen.query_one(Footer).region.bottom == 24
        errors = [n for n in app._notifications if n.severity == "error"]
        assert not errors


async def test_detail_beside_the_list_when_wide_below_when_narrow(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(pilot, "K")
        table, detail = screen.query_one(DataTable), screen.query_one("#ki-detail")
        assert detail.region.x > table.region.right - 1 and detail.region.y == table.region.y
        assert "Companies" in [str(c.label) for c in table.columns.values()]
        await pilot.resize_terminal(100, 40)
        await settle(pilot)
        assert detail.region.y >= table.region.bottom
        assert "Companies" not in [str(c.label) for c in table.columns.values()]
        assert SEEDED in text_of(screen, "#ki-detail-text")
