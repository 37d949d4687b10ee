"""What the screens look like, frozen clock and seeded data (regenerate deliberately with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs)."""

from __future__ import annotations

from typing import Any

import pytest

from hypercare.services import Services
from tests.tui.conftest import make_app, settle

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_dashboard(snap_compare: Any, services: Services, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(services), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_queue(snap_compare: Any, services: Services, size: tuple[int, int]) -> None:
    async def open_queue(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)

    assert snap_compare(make_app(services), terminal_size=size, run_before=open_queue)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_ticket_detail(snap_compare: Any, services: Services, size: tuple[int, int]) -> None:
    async def open_ticket(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(services), terminal_size=size, run_before=open_ticket)
