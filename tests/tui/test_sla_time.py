"""SLA time in the TUI reads as the one formatter writes it (:mod:`hypercare.triage.sla_text`):
the ticket's head and clocks, the queue's ``Left`` column, the dashboard's SLA watch, and a
confirmed S1 on its 24x7 clock."""

from __future__ import annotations

from hypercare.services import Services, TicketView
from hypercare.triage.sla_text import short_text, time_text, when_text
from hypercare.tui.screens.dashboard import DashboardScreen
from hypercare.tui.screens.ticket import TicketScreen
from hypercare.tui.widgets.ticket_table import TicketTable
from tests.tui.conftest import NOW, lead, make_app, plain, settle, ticket
from tests.tui.screen_text import svg_lines
from tests.tui.test_queue import open_queue
from tests.tui.test_ticket import open_ticket, text_of

ZONE = "Europe/Brussels"


def open_with_clock(services: Services, *states: str) -> TicketView:
    """An open, readable ticket whose resolution clock is in one of ``states``."""
    for view in services.tickets.list_tickets(viewer=lead(services), open_only=True):
        if view.sla_state in states and not view.confidential:
            return view
    raise AssertionError(f"the simulated go-live should have an open ticket {states}")


async def test_ticket_head_and_clocks_read_as_the_formatter_writes(services: Services) -> None:
    shown = open_with_clock(services, "breached")
    assert not shown.sla_24x7
    head_time = time_text(shown.sla_clock(), now=NOW, zone=ZONE)
    assert head_time.endswith(" over") and " bh" in head_time + " "  # business hours, no days
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, shown.ref)
        head = text_of(screen, "#ticket-head")
        assert f"BREACHED {head_time}" in head
        clocks = text_of(screen, "#ticket-clocks")
        assert "business hours: bh, bm; times in Europe/Brussels" in clocks
        for target, clock in shown.sla_clock_times():
            line = next(row for row in clocks.splitlines()
                        if row.strip().startswith(target.replace("_", " ")))
            assert time_text(clock, now=NOW, zone=ZONE) in line
            if clock.due_at is not None:
                assert when_text(clock.due_at, now=NOW, zone=ZONE) in line
            if clock.state == "met":
                assert " met " in f" {line} " and " left" not in line
        assert "0 bm left" not in head + clocks and "0m left" not in head + clocks


async def test_queue_left_column_uses_the_short_form(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_queue(pilot)
        table = screen.query_one(TicketTable)
        rows = [r for r in table.rows[:20] if r.sla_minutes_left is not None]
        assert rows
        lines = svg_lines(app.export_screenshot())
        for row in rows:
            expected = short_text(row.sla_clock())
            assert expected.endswith((" left", " over", "due now"))
            line = next(text for text in lines if text.split()[:1] == [row.ref])
            assert f" {expected} " in f" {line} "


async def test_dashboard_sla_watch_uses_the_formatter(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        board = app.context.dashboard
        assert board is not None and board.sla_watch
        watch = plain(app.screen.query_one("#sla-watch"), width=200)
        for row in board.sla_watch[:5]:  # the narrow form, as in the queue
            assert short_text(row.sla_clock()) in watch


async def test_a_confirmed_s1_shows_calendar_time_marked_24x7(services: Services) -> None:
    target = open_with_clock(services, "breached", "at_risk", "on_track")
    services.triage.decide(ref=target.ref, viewer=lead(services), severity=1)
    services.sla.sweep()
    shown = ticket(services, target.ref)
    assert shown.sla_24x7
    expected = time_text(shown.sla_clock(), now=NOW, zone=ZONE)
    assert expected.endswith(", 24x7") and " bh" not in expected
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, target.ref)
        assert isinstance(screen, TicketScreen)
        assert expected in text_of(screen, "#ticket-head")
        clocks = text_of(screen, "#ticket-clocks")
        assert "24x7: calendar hours" in clocks
        assert all(time_text(clock, now=NOW, zone=ZONE) in clocks
                   for _, clock in shown.sla_clock_times())
