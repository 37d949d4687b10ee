"""Ticket detail: what it shows, the live chatter, and the actions by key."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static, TabbedContent

from hypercare.services import Services, TicketView
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.ticket import TicketScreen
from tests.tui.conftest import World, lead, make_app, plain, settle, ticket


def text_of(screen: TicketScreen, selector: str) -> str:
    return plain(screen.query_one(selector, Static))


async def open_ticket(pilot, ref: str) -> TicketScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = TicketScreen(ref)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def open_tickets(services: Services) -> list[TicketView]:
    return services.tickets.list_tickets(viewer=lead(services), open_only=True)


def an_open_ticket(services: Services) -> str:
    return next(t.ref for t in open_tickets(services)
                if not t.confidential and t.category_explanation)


async def test_detail_shows_classification_reasons_clocks_and_chatter(
        services: Services) -> None:
    ref = an_open_ticket(services)
    shown = ticket(services, ref)
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, ref)
        head = text_of(screen, "#ticket-head")
        assert ref in head and shown.title in head
        triage = text_of(screen, "#ticket-triage")
        assert shown.category_explanation[0][:30] in triage
        assert "confidence" in triage
        clocks = text_of(screen, "#ticket-clocks")
        assert "resolution" in clocks
        assert screen.chatter is not None and len(screen.chatter) >= 1
        screen.query_one(TabbedContent).active = "chatter"
        await pilot.pause()
        assert screen.chatter[0].body[:20] in text_of(screen, "#ticket-chatter")


async def test_company_local_time_shown_where_it_differs(services: Services) -> None:
    us = next(t for t in open_tickets(services)
              if t.company == "Acme Industries US" and not t.confidential)
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, us.ref)
        assert "Chicago time" in text_of(screen, "#ticket-body")


async def test_chatter_failure_is_a_notification_not_a_crash(
        make_services: Callable[..., Services]) -> None:
    services = make_services(odoo={"url": "http://127.0.0.1:9", "db": "hypercare",
                                   "login": "admin", "api_key": "sim-api-key", "retries": 0,
                                   "backoff": 0.0, "timeout": 2.0})
    ref = an_open_ticket(services)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_ticket(pilot, ref)
        assert app.is_running
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "Fetching the chatter failed" in errors[-1].title
        assert "could not be read" in text_of(screen, "#ticket-chatter")
        assert ref in text_of(screen, "#ticket-head")  # the stored detail still shows


async def test_escalate_then_acknowledge(services: Services) -> None:
    ref = next(t.ref for t in open_tickets(services)
               if t.escalation_level == 0 and not t.confidential)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_ticket(pilot, ref)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        for char in "blocks invoicing":
            await pilot.press("space" if char == " " else char)
        await pilot.press("enter")
        await settle(pilot)
        rows = services.sla.escalations_for(ref=ref, viewer=lead(services))
        assert [(e.level, e.trigger, e.status) for e in rows] == [(1, "manual", "open")]
        assert "blocks invoicing" in rows[0].detail
        assert "L1" in text_of(screen, "#ticket-head")
        await pilot.press("k")
        await settle(pilot)
        acked = services.sla.escalations_for(ref=ref, viewer=lead(services))[0]
        assert acked.status == "acknowledged" and acked.acknowledged_by == "lea"


async def test_link_to_known_issue_and_undo(services: Services) -> None:
    ref = next(t.ref for t in open_tickets(services)
               if not t.known_issue and not t.confidential)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ticket(pilot, ref)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")
        await settle(pilot)
        linked = ticket(services, ref).known_issue
        assert linked.startswith("KI-")
        await pilot.press("u")
        await settle(pilot)
        assert ticket(services, ref).known_issue == ""


async def test_note_goes_to_the_odoo_chatter(services: Services, tui_world: World) -> None:
    ref = an_open_ticket(services)
    odoo_id = ticket(services, ref).odoo_id
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ticket(pilot, ref)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        app.screen.query_one("#text").insert("Workaround: post the credit note manually")
        await pilot.press("ctrl+s")
        await settle(pilot)
    bodies = [m.body for m in services.tickets.fetch_chatter(ref=ref, viewer=lead(services))]
    assert any("Workaround: post the credit note manually" in b for b in bodies), odoo_id


async def test_note_refused_when_write_mode_is_off(
        make_services: Callable[..., Services], tui_world: World) -> None:
    services = make_services()
    services.context.settings.odoo.write_mode = "off"
    ref = an_open_ticket(services)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ticket(pilot, ref)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#text").insert("hello")
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "write_mode" in errors[-1].message
