"""The TUI at every width: dashboard tiles and panels laid out by the width there is, nothing
cut or collapsed; company names cut in the middle in the queue; an empty queue says how to
see tickets again."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from textual.containers import VerticalScroll

from hypercare.services import Services
from hypercare.tui.format import cut_middle
from hypercare.tui.screens.dashboard import DashboardScreen, tile_columns
from hypercare.tui.screens.queue import QueueScreen
from hypercare.tui.widgets.panels import Panel, Tile
from hypercare.tui.widgets.ticket_table import TicketTable
from tests.tui.conftest import make_app, settle
from tests.tui.screen_text import svg_lines

WIDTHS = [80, 90, 100, 110, 119, 120, 130, 150, 159, 160, 200]


def test_tiles_per_row_by_the_width_there_is() -> None:
    assert tile_columns(80, 18) == 4
    assert tile_columns(119, 10) == 4  # never 8 below 120, even when they would fit
    assert tile_columns(120, 13) == 8
    assert tile_columns(130, 18) == 4  # an eighth of 130 columns would cut the tiles
    assert tile_columns(160, 18) == 8
    assert tile_columns(60, 18) == 2
    assert tile_columns(30, 18) == 1


@pytest.mark.parametrize("width", WIDTHS)
async def test_dashboard_tiles_whole_at_every_width(services: Services, width: int) -> None:
    app = make_app(services)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        tiles = list(screen.query(Tile))
        assert len(tiles) == 8 and all(tile.tile is not None for tile in tiles)
        lines = svg_lines(app.export_screenshot())
        for tile in tiles:
            region = tile.region
            assert region.width >= tile.needs(), f"tile {tile.id} cut at {width} columns"
            assert region.right <= width
            top = lines[region.y][region.x:region.right]
            title = str(tile.border_title)
            assert tile.tile is not None and title in (tile.tile.label, tile.tile.short_label)
            assert top.startswith(f"╭─ {title} ─") and "…" not in top, (width, top)
        rows = len({tile.region.y for tile in tiles})
        assert rows == (8 // tile_columns(width, max(tile.needs() for tile in tiles)))
        if width < 120:
            assert rows == 2
        elif width >= 160:
            assert rows == 1
        for panel in screen.query(Panel):
            assert panel.region.width >= 40 and panel.region.right <= width


@pytest.mark.parametrize("width", [100, 120, 160])
async def test_wide_tiles_show_the_registry_label(services: Services, width: int) -> None:
    """From 100 columns, a tile that has the room shows its metric's full label."""
    app = make_app(services)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        for tile in app.screen.query(Tile):
            assert tile.tile is not None
            if tile.region.width >= cell_len(tile.tile.label) + 6:
                assert str(tile.border_title) == tile.tile.label


async def test_panels_beside_each_other_only_where_they_fit(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        watch = app.screen.query_one("#sla-watch", Panel)
        mix, issues = (app.screen.query_one(f"#{name}", Panel)
                       for name in ("categories", "known-issues"))
        assert watch.region.width > 110  # the SLA watch keeps its titles
        assert mix.region.y == issues.region.y and mix.region.right < issues.region.x
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        escalations = app.screen.query_one("#escalations", Panel)
        assert watch.region.y == escalations.region.y
        assert watch.region.right < escalations.region.x


async def test_the_board_scrolls_to_every_panel_at_80x24(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen.query_one("#board", VerticalScroll)
        assert app.focused is board and board.max_scroll_y > 0
        seen = "\n".join(svg_lines(app.export_screenshot()))
        for _ in range(10):
            if "waiting ─╯" in seen and "Exit criteria" in seen:
                break
            await pilot.press("pagedown")
            await pilot.pause()
            seen += "\n".join(svg_lines(app.export_screenshot()))
        assert "waiting ─╯" in seen, "the escalations panel's end is reachable"
        assert "Exit criteria" in seen
        await pilot.press("end")
        await pilot.pause()
        assert board.scroll_y == board.max_scroll_y


def test_company_names_cut_in_the_middle() -> None:
    assert cut_middle("Acme Industries BE", 11) == "Acme…ies BE"
    assert cut_middle("Acme Industries US", 12) == "Acme…ries US"
    assert cut_middle("Acme Industries BE", 18) == "Acme Industries BE"
    assert cut_middle("Acme", 0) == ""
    wide = cut_middle("日本語の会社名株式会社 BE", 9)
    assert cell_len(wide) <= 9 and wide.endswith("BE")
    huge = cut_middle("A" * 100_000 + " END", 12)
    assert cell_len(huge) <= 12 and huge.endswith("END")
    hostile = cut_middle("[bold]Acme\x1b[31m\u202e Industries BE", 12)
    assert "\x1b" not in hostile and "\u202e" not in hostile and hostile.endswith("BE")


async def test_queue_at_80_columns_tells_companies_apart(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        shown = "\n".join(svg_lines(app.export_screenshot()))
        companies = {row.company for row in app.screen.query_one(TicketTable).rows}
        assert {"Acme Industries BE", "Acme Industries US"} <= companies
        assert "Acme…ries BE" in shown and "Acme…ries US" in shown


async def press_keys(pilot: Any, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
    await settle(pilot)


async def test_an_empty_filter_result_says_how_to_clear_it(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_keys(pilot, "w")
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await press_keys(pilot, "slash", *"xqzzy", "enter")
        assert not screen.shown
        shown = "\n".join(svg_lines(app.export_screenshot()))
        assert "No ticket matches this filter. c clears the filter and the search." in shown
        await press_keys(pilot, "c")
        assert screen.shown and "c clears" not in "\n".join(svg_lines(app.export_screenshot()))
