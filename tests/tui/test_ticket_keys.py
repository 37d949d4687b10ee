"""Ticket detail by key: fresh after every action and undo, scrolled without Tab first, and
its tabs switched with ``[`` and ``]``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import TabbedContent

from hypercare.services import Services, TicketView
from hypercare.tui.app import help_sections
from hypercare.tui.screens.help import key_table
from tests.tui.conftest import make_app, settle, ticket
from tests.tui.screen_text import svg_lines
from tests.tui.test_ticket import open_ticket, open_tickets, text_of


def an_s3_ticket(services: Services) -> str:
    return next(t.ref for t in open_tickets(services)
                if t.severity == 3 and not t.confidential and t.sla_clocks)


def resolution_due(shown: TicketView) -> datetime:
    clock = next(c for c in shown.sla_clocks if c["target"] == "resolution")
    return datetime.fromisoformat(clock["due_at"])


async def test_severity_and_sla_targets_fresh_after_a_decision_and_its_undo(
        services: Services) -> None:
    ref = an_s3_ticket(services)
    before = ticket(services, ref)
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, ref)
        clocks_before = text_of(screen, "#ticket-clocks")
        await pilot.press("2")
        await settle(pilot)
        decided = ticket(services, ref)
        assert decided.severity == 2
        assert resolution_due(decided) < resolution_due(before), "clocks evaluated again"
        assert screen.detail is not None and screen.detail.ticket.sla_clocks == decided.sla_clocks
        assert f"{ref}  S2" in text_of(screen, "#ticket-head")
        assert text_of(screen, "#ticket-clocks") != clocks_before
        assert "Severity  S2" in text_of(screen, "#ticket-triage")
        await pilot.press("u")
        await settle(pilot)
        undone = ticket(services, ref)
        assert undone.severity == 3 and undone.sla_clocks == before.sla_clocks
        assert f"{ref}  S3" in text_of(screen, "#ticket-head")
        assert text_of(screen, "#ticket-clocks") == clocks_before


async def test_keys_in_a_row_cost_no_stale_clocks(services: Services) -> None:
    """Several decisions typed quickly: the last one's targets show once they are done."""
    ref = an_s3_ticket(services)
    before = ticket(services, ref)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_ticket(pilot, ref)
        for key in ("2", "1", "4"):
            await pilot.press(key)
        await settle(pilot)
        final = ticket(services, ref)
        assert final.severity == 4 and resolution_due(final) > resolution_due(before)
        assert screen.detail is not None and screen.detail.ticket.sla_clocks == final.sla_clocks


async def test_page_down_and_arrows_scroll_the_overview_at_once(services: Services) -> None:
    ref = an_s3_ticket(services)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(pilot, ref)
        overview = screen.query_one("#overview-scroll", VerticalScroll)
        assert app.focused is overview and overview.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        paged = overview.scroll_y
        assert paged > 0
        await pilot.press("up")
        await pilot.pause()
        assert overview.scroll_y == paged - 1
        await pilot.press("down", "down")
        await pilot.pause()
        assert overview.scroll_y == min(paged + 1, overview.max_scroll_y)
        await pilot.press("home")
        await pilot.pause()
        assert overview.scroll_y == 0


async def active_after(pilot: Any, key: str) -> str:
    await pilot.press(key)
    await pilot.pause()
    tabs = pilot.app.screen.query_one(TabbedContent)
    active = str(tabs.active)
    assert pilot.app.focused is pilot.app.screen.query_one(f"#{active}-scroll")
    return active


async def test_brackets_switch_the_tabs_and_the_footer_says_so(services: Services) -> None:
    ref = an_s3_ticket(services)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(pilot, ref)
        footer = svg_lines(app.export_screenshot())[-1]
        assert "[] Tabs" in footer and "u Undo" in footer
        assert [await active_after(pilot, "right_square_bracket") for _ in range(3)] == [
            "events", "chatter", "overview"]
        assert [await active_after(pilot, "left_square_bracket") for _ in range(2)] == [
            "chatter", "events"]


def test_the_tab_keys_are_in_the_help_as_printed() -> None:
    detail = next(bindings for title, bindings in help_sections() if title == "Ticket detail")
    table = key_table("Ticket detail", detail)
    assert "| `[` | Previous tab |" in table and "| `]` | Next tab |" in table
    assert "square_bracket" not in table
