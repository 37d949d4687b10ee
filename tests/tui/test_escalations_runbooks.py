"""The escalations screen (acknowledge, lead-only approval, suppressed alerts) and the runbooks."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, OptionList

from hypercare.services import EscalationView, Services
from hypercare.tui.app import help_sections
from hypercare.tui.screens.escalations import EscalationsScreen
from hypercare.tui.screens.help import HelpScreen
from hypercare.tui.screens.pickers import ChoiceScreen
from hypercare.tui.screens.queue import QueueScreen
from hypercare.tui.screens.runbooks import RunbooksScreen, RunbookViewer
from hypercare.tui.screens.ticket import TicketScreen
from tests.support import viewer
from tests.tui.conftest import LEAD, lead, make_app, plain, settle


async def open_escalations(pilot: Any) -> EscalationsScreen:
    await settle(pilot)
    await pilot.press("E")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EscalationsScreen)
    return screen


def cells(table: DataTable[Any], row: int) -> list[str]:
    return [getattr(cell, "plain", str(cell)) for cell in table.get_row_at(row)]


def pending_l3(services: Services) -> EscalationView:
    """Escalate by hand a ticket already at L2: L3 waits for a lead's approval."""
    ref = next(e.ref for e in services.sla.list_escalations(viewer=lead(services))
               if e.level == 2 and e.subject.startswith("ticket:"))
    view = services.sla.escalate(ref=ref, viewer=lead(services), reason="L2 is silent")
    assert (view.level, view.status) == (3, "pending_approval")
    return view


def stored(services: Services, escalation: EscalationView) -> EscalationView:
    return next(e for e in services.sla.escalations_for(ref=escalation.ref,
                                                        viewer=lead(services))
                if e.id == escalation.id)


async def test_escalations_listed_and_acknowledged(services: Services) -> None:
    expected = services.sla.list_escalations(viewer=lead(services))
    assert expected, "the golden store was swept: escalations exist"
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_escalations(pilot)
        table = screen.query_one("#esc-table", DataTable)
        assert table.row_count == len(expected)
        first = expected[0]
        row = cells(table, 0)
        assert row[0] == first.ref and row[1] == f"L{first.level} {first.level_name}"
        assert "open" in row[2]
        assert f"{len(expected)} open" in plain(screen.query_one("#esc-summary"))
        assert first.ref in plain(screen.query_one("#esc-detail"))
        await pilot.press("k")
        await settle(pilot)
        acked = stored(services, first)
        assert (acked.status, acked.acknowledged_by) == ("acknowledged", LEAD)
        assert table.row_count == len(expected) - 1  # done ones hide until `a`
        await pilot.press("a")
        await settle(pilot)
        assert table.row_count == len(expected)
        done = cells(table, table.row_count - 1)
        assert done[0] == first.ref and "acknowledged" in done[2] and LEAD in done[5]


async def test_a_lead_approves_a_pending_l3(services: Services) -> None:
    pending = pending_l3(services)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_escalations(pilot)
        assert screen.current() == pending  # newest first, so highlighted
        assert "needs approval" in cells(screen.query_one("#esc-table", DataTable), 0)[2]
        await pilot.press("v")
        await settle(pilot)
        approved = stored(services, pending)
        assert (approved.status, approved.approved_by) == ("open", LEAD)
        assert any("approved by lea" in n.message for n in app._notifications)


async def test_a_non_lead_is_refused_politely(services: Services) -> None:
    pending = pending_l3(services)
    app = make_app(services, viewer=viewer(services, "guest"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_escalations(pilot)
        current = screen.current()
        assert current is not None and current.id == pending.id
        await pilot.press("v")
        await settle(pilot)
        assert app.is_running
        assert not [n for n in app._notifications if n.severity == "error"]
        [refusal] = [n for n in app._notifications if n.severity == "warning"]
        assert "Only command-center leads can approve L3/L4 escalations." in refusal.message
        assert "Ask a lead" in refusal.message and "not done" in refusal.title
        assert stored(services, pending).status == "pending_approval"


def hold_back(services: Services) -> None:
    """Reopened-ticket escalations past the hourly cap (breaches never are): held back."""
    from hypercare.services.outbox.notifications import enqueue

    settings = services.context.settings
    ticket = services.sla.list_escalations(viewer=lead(services))[0]
    with services.context.store().session() as session:
        for n in range(settings.escalation.max_per_hour + 2):
            enqueue(session, settings, kind="escalation", key=f"held:{n}", recipient="L2",
                    payload={"level": 2, "trigger": "reopened_twice",
                             "triggers": ["reopened_twice"],
                             "ticket": {"odoo_id": 0, "ref": ticket.ref, "title": "reopened"}},
                    now=services.context.clock())


async def test_suppressed_alerts_are_listed(services: Services) -> None:
    hold_back(services)
    suppressed = services.sla.list_outbox(state="suppressed")
    assert suppressed, "past the hourly cap: some alerts are held back"
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_escalations(pilot)
        table = screen.query_one("#suppressed-table", DataTable)
        assert table.row_count == len(suppressed)
        row = cells(table, 0)
        assert row[2] == ", ".join(suppressed[0].recipients)
        assert "rate cap" in row[4]
        ticket = suppressed[0].payload.get("ticket", {})
        assert str(ticket.get("ref")) in row[3]
        assert f"Suppressed alerts ({len(suppressed)})" in str(table.border_title)


async def test_enter_opens_the_ticket(services: Services) -> None:
    first = services.sla.list_escalations(viewer=lead(services))[0]
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_escalations(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.ref == first.ref
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, EscalationsScreen)


async def test_runbooks_listed_and_rendered(services: Services) -> None:
    names = [r.name for r in services.runbooks.list_runbooks()]
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RunbooksScreen)
        listing = screen.query_one("#runbook-list", OptionList)
        assert listing.display and listing.option_count == len(names)
        assert screen.shown is not None and screen.shown.name == "command-center-tui"
        document = screen.query_one(RunbookViewer).document
        assert document.source.startswith("# The command-center TUI")
        assert "Runbook: The command-center TUI" in plain(screen.query_one("#topbar"))
        listing.focus()
        listing.highlighted = names.index("sla-and-escalation")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.shown.name == "sla-and-escalation"
        assert "## The escalation matrix" in document.source


async def test_runbooks_fold_the_list_at_80_columns(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RunbooksScreen)
        assert not screen.query_one("#runbook-list", OptionList).display
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        for char in "exit":
            await pilot.press(char)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RunbooksScreen) and app.screen.shown is not None
        assert app.screen.shown.name == "exit-criteria"


async def test_help_twice_opens_the_queue_runbook(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RunbooksScreen)
        assert screen.shown is not None and screen.shown.name == "command-center-tui"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_help_twice_on_escalations_opens_its_runbook(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_escalations(pilot)
        await app.push_screen(HelpScreen(help_sections(), runbook=screen.RUNBOOK))
        await pilot.pause()
        await pilot.press("question_mark")
        await settle(pilot)
        runbooks = app.screen
        assert isinstance(runbooks, RunbooksScreen)
        assert runbooks.shown is not None and runbooks.shown.name == "sla-and-escalation"
