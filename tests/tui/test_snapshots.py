"""What the screens look like, frozen clock and seeded data (regenerate deliberately with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs)."""

from __future__ import annotations

from typing import Any

import pytest

from hypercare.services import Services
from tests.tui.conftest import make_app, settle

SIZES = [(80, 24), (120, 40)]
DASHBOARD_SIZES = [(80, 24), (100, 30), (120, 40), (160, 48)]
"""Tiles four in a row (two rows) up to 120 columns, eight in one row at 160; the panels
one under the other below 120, two by two from 120 (the lists whole-width below 160)."""


@pytest.mark.parametrize("size", DASHBOARD_SIZES, ids=["80x24", "100x30", "120x40", "160x48"])
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
