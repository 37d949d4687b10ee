"""What a lead sees after hypercare's first sweep of a go-live already under way: the baseline
escalations listed among those to look at (one row per ticket and level, every trigger on
it), on the dashboard and at the top of the stand-up; and the dashboard's warning when an
escalation level's alerts would reach nobody."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from hypercare.services import Services
from hypercare.tui.screens.escalations import EscalationsScreen
from hypercare.tui.screens.standup import StandupScreen
from hypercare.tui.widgets.panels import Panel
from tests.support import ServicesFactory
from tests.tui.conftest import NOW, World, lead, make_app, plain, settings_for, settle

MEANING = "baseline: already past its SLA when hypercare started watching"
EVERY_CLOCK = "first response breached, resolution breached, workaround breached"


@pytest.fixture(scope="module")
def first_swept(tui_world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The go-live synced, then swept once: hypercare's first sweep, so whatever is breached
    already is a baseline (nothing is alerted one by one)."""
    db = tmp_path_factory.mktemp("first-sweep") / "first.db"
    with ServicesFactory(clock=lambda: NOW) as build:
        services = build(settings_for(tui_world.sim, db, tui_world.model_dir))
        services.sync.run_sync()
        assert services.sla.sweep().baselined > 0
    return db


@pytest.fixture
def baseline_services(tui_world: World, first_swept: Path,
                      tmp_path: Path) -> Iterator[Callable[..., Services]]:
    with ServicesFactory(tmp_path) as made:

        def factory(**extra: Any) -> Services:
            db = made.store(copy_of=first_swept)
            return made(settings_for(tui_world.sim, db, tui_world.model_dir, **extra),
                        clock=lambda: NOW)

        yield factory


def cells(table: DataTable[Any], row: int) -> list[str]:
    return [getattr(cell, "plain", str(cell)) for cell in table.get_row_at(row)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_escalations_screen_lists_the_baseline(
        baseline_services: Callable[..., Services], size: tuple[int, int]) -> None:
    services = baseline_services()
    expected = services.sla.list_escalations(viewer=lead(services))
    assert expected and all(e.status == "baseline" for e in expected)
    every = next(i for i, e in enumerate(expected) if e.triggers == (
        "first_response_breached", "resolution_breached", "workaround_breached"))
    app = make_app(services)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EscalationsScreen)
        table = screen.query_one("#esc-table", DataTable)
        assert table.row_count == len(expected)  # not hidden as done
        rows = [cells(table, n) for n in range(table.row_count)]
        assert {row[2] for row in rows} == {"baseline"}
        assert rows[every][0] == expected[every].ref  # one row for its three clocks
        if size[0] >= 120:
            assert rows[every][3] == EVERY_CLOCK
        else:  # cut in the table, so age and who handled it stay on the screen
            assert rows[every][3] == EVERY_CLOCK[:29] + "…" and rows[every][4] == "0m"
        summary = " ".join(plain(screen.query_one("#esc-summary")).split())
        assert f"0 open · 0 waiting for approval · {len(expected)} baseline" in summary
        table.move_cursor(row=every)
        await settle(pilot)
        detail = " ".join(plain(screen.query_one("#esc-detail")).split())
        assert f"{EVERY_CLOCK} · {MEANING}" in detail  # whole in the detail line
        await pilot.press("k")  # looked at: acknowledged, done
        await settle(pilot)
        assert table.row_count == len(expected) - 1
        assert services.sla.list_escalations(viewer=lead(services), include_done=True)[
            -1].status == "acknowledged"


async def test_the_dashboard_counts_the_baseline(
        baseline_services: Callable[..., Services]) -> None:
    services = baseline_services()
    expected = services.sla.list_escalations(viewer=lead(services))
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#escalations", Panel)
        assert str(panel.border_subtitle) == (f"{len(expected)} baseline · "
                                              f"{len(expected)} waiting")
        shown = plain(panel)
        assert "Every escalation is acknowledged" not in shown
        assert expected[0].ref in shown and "baseline" in shown


async def test_the_standup_opens_with_the_baseline(
        baseline_services: Callable[..., Services]) -> None:
    services = baseline_services()
    first = services.standup.agenda().sections[0]
    assert first.key == "baseline" and first.total > 0
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StandupScreen)
        preview = plain(screen.query_one("#su-item"))
        top = preview.index("Already past SLA when hypercare started watching")
        assert preview.index("Section") < top < preview.index("Yesterday's open actions")
        assert screen.items[0].section == "baseline"
        assert screen.items[0].why.startswith("baseline, not acknowledged")


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
async def test_the_dashboard_warns_of_levels_nobody_receives(
        make_services: Callable[..., Services], size: tuple[int, int]) -> None:
    services = make_services(escalation={"levels": [
        {"level": 1, "name": "super-users", "contacts": ["U0SUPER"]},
        {"level": 2, "name": "functional lead", "contacts": ["U0LEAD"]},
        {"level": 3, "name": "partner", "contacts": ["S0PARTNERS"]},
        {"level": 4, "name": "sponsor", "contacts": ["U0SPONSOR"]}]})
    app = make_app(services)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#unreachable", Static)
        assert banner.display and banner.region.height >= 1
        shown = " ".join(plain(banner).split())
        assert shown == ("Alerts nobody receives: L3 partner: S0PARTNERS can only be "
                         "mentioned in slack.alerts_channel (no slack.alerts_channel; see "
                         "hypercare config check)")
    reached = make_services(slack={"alerts_channel": "C0ALERTS"})
    app = make_app(reached)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#unreachable", Static).display
