"""TUI speed on a big store, headless.

Usage::

    .venv/bin/python bench/tui_bench.py --tickets 50000

A child process fills a fresh SQLite store with N tickets (10 % open; see standup_bench.py),
so its memory is not counted. This process then runs the TUI headless at 160x48 and times:
start to the first full paint of the dashboard (< 2 s; painted from the open tickets while the
rest are read in the background), then, once every ticket is read, opening the queue (< 1 s),
a filter keystroke in the search box to repainted rows over every ticket (< 150 ms), scrolling
a page (< 50 ms), and the peak resident memory (< 400 MB). A keystroke and a page are timed from the
handler to a full-screen repaint (every visible table line painted, then the screen composed);
the same keystrokes through Pilot end to end, and Pilot's own cost per key, are printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from hypercare.config import Settings
from hypercare.services import ServiceContext, Services

sys.path.insert(0, str(Path(__file__).parent))
from standup_bench import NOW, fill


def settings_for(db: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{db}", timezone="Europe/Brussels",
                    roles={"leads": ["bench"]}, tui={"user": "bench", "refresh_seconds": 300})


def fill_store(db: Path, tickets: int) -> None:
    services = Services(ServiceContext(settings=settings_for(db), clock=lambda: NOW))
    try:
        fill(services, tickets)
        services.sync.sync_status()
    finally:
        services.close()


async def wait_until(pilot: Any, condition: Any, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the TUI did not get there in time")
        await pilot.pause(0.005)
    await pilot.pause()


SEARCH = "invoice"


def repaint(app: Any, table: Any) -> None:
    """Paint the table's visible lines, then compose the whole screen (what a frame costs)."""
    for y in range(table.size.height):
        table.render_line(y)
    app.screen._compositor.render_update(full=True)


async def measure(db: Path) -> dict[str, Any]:
    from hypercare.tui.app import HypercareApp
    from hypercare.tui.launch import build_context
    from hypercare.tui.widgets.ticket_table import TicketTable

    figures: dict[str, Any] = {}
    started = time.perf_counter()
    services = Services(ServiceContext(settings=settings_for(db), clock=lambda: NOW))
    app = HypercareApp(build_context(services, sync_seconds=None), sync_mode="off")
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_until(pilot, lambda: app.context.dashboard is not None)
            figures["dashboard"] = time.perf_counter() - started
            await wait_until(pilot, lambda: app.context.rows_loaded)
            figures["every_row"] = time.perf_counter() - started
            figures["rows"] = len(app.context.rows)
            started = time.perf_counter()
            await pilot.press("w")
            await wait_until(pilot, lambda: bool(app.screen.query(TicketTable))
                             and bool(app.screen.query_one(TicketTable).rows))
            figures["queue"] = time.perf_counter() - started
            await pilot.press("O", "O")  # open -> closed -> all: every ticket
            await pilot.pause()
            table = app.screen.query_one(TicketTable)
            figures["all_rows"] = len(table.rows)
            noop = []
            for _ in range(7):  # an unbound key: what Pilot itself costs per keystroke
                started = time.perf_counter()
                await pilot.press("f12")
                await pilot.pause()
                noop.append(time.perf_counter() - started)
            figures["noop"] = statistics.median(noop)
            screen = app.screen
            await pilot.press("slash")
            keystrokes, typed = [], []
            for end in range(1, len(SEARCH) + 1):  # as typed: the handler, then a repaint
                started = time.perf_counter()
                screen.set_filter(replace(screen.query_filter, search=SEARCH[:end]))
                repaint(app, table)
                keystrokes.append(time.perf_counter() - started)
            figures["keystroke"] = keystrokes
            figures["matches"] = len(table.rows)
            screen.set_filter(replace(screen.query_filter, search=""))
            for char in SEARCH:  # the same through Pilot, end to end (includes Pilot's cost)
                started = time.perf_counter()
                await pilot.press(char)
                await pilot.pause()
                typed.append(time.perf_counter() - started)
            figures["typed"] = typed
            await pilot.press("c")
            await pilot.press("enter")
            table.focus()
            await pilot.pause()
            pages = []
            for _ in range(20):
                started = time.perf_counter()
                table.action_page(1)
                repaint(app, table)
                pages.append(time.perf_counter() - started)
            figures["page"] = pages
    finally:
        services.close()
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--fill-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill_only:
        fill_store(args.fill_only, args.tickets)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "bench.db"
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--tickets", str(args.tickets),
                        "--fill-only", str(db)], check=True)
        fill_seconds = time.perf_counter() - started
        figures = asyncio.run(measure(db))
    noop = figures["noop"]
    typed = statistics.median(figures["typed"])
    keys, pages = figures["keystroke"], figures["page"]
    key_median, key_worst = statistics.median(keys), max(keys)
    page_median, page_worst = statistics.median(pages), max(pages)
    table = Table(title=f"TUI, {args.tickets:,} tickets in the store, headless 160x48",
                  box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("metric", "value", "target", "verdict"):
        table.add_column(column)

    def row(metric: str, value: float, unit: str, target: float) -> None:
        shown = f"{value * 1000:.0f} ms" if unit == "ms" else (
            f"{value:.0f} MB" if unit == "MB" else f"{value:.2f} s")
        limit = f"< {target * 1000:.0f} ms" if unit == "ms" else (
            f"< {target:.0f} MB" if unit == "MB" else f"< {target:g} s")
        table.add_row(metric, shown, limit, "PASS" if value < target else "MISS")

    row("start to first full paint of the dashboard", figures["dashboard"], "s", 2.0)
    table.add_row("every ticket read for the queue, in the background (from start)",
                  f"{figures['every_row']:.2f} s", "-", "-")
    row("open the queue", figures["queue"], "s", 1.0)
    row(f"filter keystroke over {figures['all_rows']:,} rows to a repainted screen (median)",
        key_median, "ms", 0.150)
    row("filter keystroke (worst of 7)", key_worst, "ms", 0.150)
    row("scroll a page to a repainted screen (median of 20)", page_median, "ms", 0.050)
    row("scroll a page (worst of 20)", page_worst, "ms", 0.050)
    row("peak resident memory", figures["rss_mb"], "MB", 400)
    table.add_row("keystroke end to end through Pilot (median; includes Pilot's own cost)",
                  f"{typed * 1000:.0f} ms", "-", "-")
    table.add_row("Pilot's own cost per keystroke (an unbound key)", f"{noop * 1000:.0f} ms",
                  "-", "-")
    table.add_row("rows read into the queue", f"{figures['rows']:,}", "-", "-")
    table.add_row("filling the store (child process, not timed)", f"{fill_seconds:.1f} s",
                  "-", "-")
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
