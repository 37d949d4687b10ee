"""The dashboard, navigation, help, palette, theme, and failures that must not end the app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from textual.widgets import Static

from hypercare.services import Services
from hypercare.tui.screens.dashboard import DashboardScreen
from hypercare.tui.screens.help import HelpScreen
from hypercare.tui.screens.queue import QueueScreen
from hypercare.tui.widgets.panels import Panel, Tile
from tests.tui.conftest import NOW, make_app, plain, settle


async def test_dashboard_shows_tiles_sla_watch_and_fresh_sync(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        board = app.context.dashboard
        assert board is not None
        first = screen.query_one("#tile-0", Tile)
        assert first.border_title == board.tiles[0].label
        assert f"{int(board.tiles[0].value or 0):,}" in plain(first)
        watch = plain(screen.query_one("#sla-watch", Panel))
        for row in board.sla_watch[:3]:
            assert row.ref in watch
        assert not screen.query_one("#stale", Static).display
        assert "synced" in plain(screen.query_one("#topbar"))


async def test_stale_data_warning(make_services: Callable[..., Services]) -> None:
    services = make_services(clock=lambda: NOW + timedelta(hours=3))
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#stale", Static)
        assert banner.display
        assert "stale" in plain(banner).lower()
        assert "STALE" in plain(app.screen.query_one("#topbar"))


async def test_keys_switch_screens_help_palette_and_theme(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Queue" in commands and "Help" in commands
        await pilot.press("w")
        await pilot.pause()
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Defect", "Training", "Policy", "Escalate", "Undo", "Filter"} <= set(commands)
        theme = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != theme


async def test_unreadable_store_is_a_notification(services: Services, tmp_path: Path) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def broken(**_: object) -> str:
            from hypercare.errors import StoreError

            raise StoreError("the store is locked by another process",
                             hint="Wait a moment, or check `hypercare db status`.")

        services.queue.fingerprint = broken  # type: ignore[method-assign]
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "locked" in errors[-1].message and "Wait a moment" in errors[-1].message


async def test_sync_failure_shows_in_the_dashboard(make_services: Callable[..., Services]) -> None:
    services = make_services(odoo={"url": "http://127.0.0.1:9", "db": "hypercare",
                                   "login": "admin", "api_key": "sim-api-key", "retries": 0,
                                   "backoff": 0.0, "timeout": 2.0})
    app = make_app(services, jobs="tui")  # it runs the sync (no serve runs)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.context.sync_error
        assert "sync failing" in plain(app.screen.query_one("#topbar"))
        assert app.context.sync_error[:20] in plain(app.screen.query_one("#sync", Panel))
