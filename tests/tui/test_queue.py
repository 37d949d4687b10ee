"""The queue: filters, search, sort, saved views and decisions taken (and undone) by key."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Select

from hypercare.services import QueueRow, Services
from hypercare.tui.screens.filters import FilterScreen
from hypercare.tui.screens.queue import QueueScreen
from hypercare.tui.screens.ticket import TicketScreen
from hypercare.tui.widgets.ticket_table import TicketTable
from tests.tui.conftest import lead, make_app, plain, settle, ticket
from tests.tui.screen_text import svg_lines


async def open_queue(pilot) -> QueueScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QueueScreen)
    return screen


async def press_on_current(pilot, key: str) -> QueueRow:  # type: ignore[no-untyped-def]
    """Open the queue, press ``key`` on the highlighted ticket; returns that ticket."""
    screen = await open_queue(pilot)
    row = screen.query_one(TicketTable).current
    assert row is not None
    await pilot.press(key)
    await settle(pilot)
    return row


async def test_queue_lists_open_tickets_with_counts(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_queue(pilot)
        table = screen.query_one(TicketTable)
        open_refs = {t.ref for t in services.tickets.list_tickets(viewer=lead(services),
                                                                   open_only=True)}
        assert {r.ref for r in table.rows} == open_refs
        counts = plain(screen.query_one("#queue-counts"))
        assert f"{len(open_refs):,} of {len(app.context.rows):,} · " in counts
        # urgency order: breached first
        states = [r.sla_state for r in table.rows]
        if "breached" in states:
            assert states[0] == "breached"


async def test_search_narrows_as_you_type_and_clear_restores(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_queue(pilot)
        table = screen.query_one(TicketTable)
        before = len(table.rows)
        word = table.rows[0].title.split()[0].lower()
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        for char in word:
            await pilot.press(char)
        await pilot.pause()
        assert 0 < len(table.rows) <= before
        assert all(word in r.search_text for r in table.rows)
        await pilot.press("enter", "c")
        await pilot.pause()
        assert len(table.rows) == before
        assert screen.query_one("#search", Input).value == ""


async def test_filter_form_status_and_sort_keys(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_queue(pilot)
        table = screen.query_one(TicketTable)
        company = table.rows[0].company
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FilterScreen)
        form.query_one("#f-company", Select).value = company
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert table.rows and all(r.company == company for r in table.rows)
        assert f"company={company}" in plain(screen.query_one("#queue-filter"))
        await pilot.press("O")  # open -> closed
        await pilot.pause()
        assert table.rows and all(r.is_closed for r in table.rows)
        await pilot.press("s")  # urgency -> created
        await pilot.pause()
        created = [r.created_at for r in table.rows]
        assert created == sorted(created)  # type: ignore[type-var]
        assert screen.query_filter.sort == "created"


async def test_saved_view_round_trip(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_queue(pilot)
        await pilot.press("x")  # escalated only
        await pilot.pause()
        await pilot.press("V")
        await pilot.pause()
        for char in "mine":
            await pilot.press(char)
        await pilot.press("enter")
        await settle(pilot)
        assert services.queue.list_views(user="lea")["mine"].escalated
        await pilot.press("c")
        assert not screen.query_filter.escalated
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_filter.escalated


async def test_decision_by_key_is_stored_then_undone(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_queue(pilot)
        table = screen.query_one(TicketTable)
        row = next(r for r in table.rows if r.category != "training_gap")
        table.cursor = table.rows.index(row)
        before = ticket(services, row.ref)
        await pilot.press("t")
        await settle(pilot)
        after = ticket(services, row.ref)
        assert after.category == "training_gap" and after.category_source == "human"
        assert next(r for r in app.context.rows if r.ref == row.ref).category == "training_gap"
        await pilot.press("u")
        await settle(pilot)
        undone = ticket(services, row.ref)
        assert undone.category == before.category
        assert undone.category_source == before.category_source


async def test_the_queue_shows_a_severity_as_s1_to_s4(services: Services) -> None:
    """The row holds the severity as a number; the Sev column reads ``S2`` once it is set
    (``--`` before any classification)."""
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        row = await press_on_current(pilot, "2")
        shown = next(r for r in app.context.rows if r.ref == row.ref)
        assert shown.severity == 2
        words = next(words for text in svg_lines(app.export_screenshot())
                     if row.ref in (words := text.split()))
        assert words[words.index(row.ref) + 1] == "S2", words  # Ref, then Sev


async def test_undo_refused_after_the_window(services: Services) -> None:
    app = make_app(services)
    ticks = [0.0]
    app.context.monotonic = lambda: ticks[0]
    async with app.run_test(size=(120, 40)) as pilot:
        row = await press_on_current(pilot, "2")
        assert ticket(services, row.ref).severity == 2
        ticks[0] = 31.0  # past tui.undo_seconds (30)
        await pilot.press("u")
        await settle(pilot)
        assert ticket(services, row.ref).severity == 2
        assert any("Nothing to undo" in n.message for n in app._notifications)


async def test_enter_opens_the_ticket_and_escape_returns(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_queue(pilot)
        row = screen.query_one(TicketTable).current
        assert row is not None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.ref == row.ref
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_confidential_titles_masked_for_non_leads(
        make_services: Callable[..., Services]) -> None:
    services = make_services(tui={"user": "guest", "refresh_seconds": 300})
    secret = next((t for t in services.tickets.list_tickets(viewer=lead(services))
                   if t.confidential), None)
    if secret is None:  # the scenario always has HR/payroll tickets; make sure of it
        raise AssertionError("the simulated go-live should hold confidential tickets")
    app = make_app(services)  # tui.user: guest, no lead
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.context.viewer.id == "guest"
        row = next(r for r in app.context.rows if r.ref == secret.ref)
        assert row.title == "Confidential ticket" != secret.title
    as_lead = make_app(services, viewer=lead(services))
    async with as_lead.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert next(r for r in as_lead.context.rows
                    if r.ref == secret.ref).title == secret.title


async def test_open_in_browser_from_the_queue(services: Services) -> None:
    app = make_app(services)
    opened: list[str] = []
    app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        row = await press_on_current(pilot, "o")
        url = ticket(services, row.ref).url
        assert url and opened == [url]
