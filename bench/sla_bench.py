"""SLA clock speed: 100,000 open tickets on a Brussels business calendar.

Usage::

    .venv/bin/python bench/sla_bench.py
    .venv/bin/python bench/sla_bench.py --tickets 200000 --seed 7 --repeat 5

The calendar works Monday to Friday, 08:00-12:00 and 13:00-17:00 Europe/Brussels, with
the twelve Belgian public holidays of the year. Tickets are created at random moments over
the 30 days before ``now``, with a random severity mapped to a resolution target in business
hours (S1 4 h, S2 8 h, S3 24 h, S4 40 h); about 20 % have one pause (half of them still
running). Every ticket's resolution clock is evaluated at one ``now``: once on a fresh
calendar (cold cache: the calendar builds its timeline of open intervals) and then on the
warm one (best of ``--repeat``). Target: < 2 s for 100,000 tickets, on one core.

Then the store-backed sweep (``bench/sla_store.py``): a SQLite store of ``--store-tickets``
open tickets (default 100,000; 0 skips it) created over three weeks, classified, with stage
changes and known-issue links, swept end to end through the services
(``services.sla.sweep()``): the first sweep (everything is new: a baseline) and a sweep one
minute later (the steady state, what ``serve`` runs every minute). Target: the steady sweep
< 5 s for 100,000 open tickets. With ``HYPERCARE_BENCH_DATABASE_URL`` set (an admin URL of a
PostgreSQL server, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) the same
runs on a temporary database created there and dropped afterwards. ``--profile FILE`` writes
a cProfile of one more steady sweep (on SQLite, after the timed ones) to FILE and prints its
top entries.

The exit code is 0 even on a MISS.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from hypercare.triage.calendar import BusinessCalendar
from hypercare.triage.sla import ClockFacts, ClockState, evaluate_clock

sys.path.insert(0, str(Path(__file__).parents[1]))
from bench.sla_store import TARGET_SECONDS as SWEEP_TARGET
from bench.sla_store import StoreResult, measure, postgres_database

HOLIDAYS_2026 = (
    "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25", "2026-07-21",
    "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25", "2026-04-05", "2026-05-24",
)
TARGET_MINUTES = {1: 4 * 60.0, 2: 8 * 60.0, 3: 24 * 60.0, 4: 40 * 60.0}
NOW = dt.datetime(2026, 5, 27, 10, 30, tzinfo=dt.UTC)
TARGET_SECONDS = 2.0


def calendar() -> BusinessCalendar:
    return BusinessCalendar.standard("Europe/Brussels", "mon-fri",
                                     ("08:00-12:00", "13:00-17:00"), HOLIDAYS_2026)


def tickets(count: int, seed: int) -> list[tuple[ClockFacts, float]]:
    rng = random.Random(seed)
    window = 30 * 86400
    made: list[tuple[ClockFacts, float]] = []
    for _ in range(count):
        created = NOW - dt.timedelta(seconds=rng.randrange(window))
        pauses: tuple[tuple[dt.datetime, dt.datetime | None], ...] = ()
        if rng.random() < 0.2:
            begin = created + (NOW - created) * rng.random()
            end = None if rng.random() < 0.5 else begin + (NOW - begin) * rng.random()
            pauses = ((begin, end),)
        made.append((ClockFacts(created, None, pauses), TARGET_MINUTES[rng.randint(1, 4)]))
    return made


def run(cal: BusinessCalendar, batch: Sequence[tuple[ClockFacts, float]]) -> tuple[
        float, list[ClockState]]:
    started = time.perf_counter()
    states = [evaluate_clock("resolution", facts, minutes, cal, NOW) for facts, minutes in batch]
    return time.perf_counter() - started, states


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store-tickets", type=int, default=100_000,
                        help="open tickets in the store-backed sweep (0: skip it)")
    parser.add_argument("--profile", metavar="FILE",
                        help="cProfile the steady store-backed sweep into FILE")
    parser.add_argument("--profile-top", type=int, default=25)
    args = parser.parse_args(argv)
    batch = tickets(args.tickets, args.seed)
    cal = calendar()
    cold, states = run(cal, batch)
    warm = min(run(cal, batch)[0] for _ in range(max(args.repeat, 1)))
    limit = TARGET_SECONDS * args.tickets / 100_000

    def verdict(ok: bool) -> str:
        return "[green]PASS[/]" if ok else "[red]MISS[/]"

    table = Table(title=f"SLA clocks: {args.tickets:,} open tickets, one core", box=box.SIMPLE)
    for column in ("metric", "value", "target", "verdict"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    table.add_row("evaluate_clock, cold cache", f"{cold:.3f} s", f"< {limit:.1f} s",
                  verdict(cold < limit))
    table.add_row("evaluate_clock, warm cache", f"{warm:.3f} s", f"< {limit:.1f} s",
                  verdict(warm < limit))
    table.add_row("tickets/s, cold", f"{args.tickets / cold:,.0f}", "", "")
    table.add_row("tickets/s, warm", f"{args.tickets / warm:,.0f}", "", "")
    table.add_row("µs per ticket, warm", f"{warm / args.tickets * 1e6:.1f}", "", "")
    paused = sum(1 for facts, _ in batch if facts.pauses)
    table.add_row("tickets with a pause", f"{paused:,}", "", "")
    counts = Counter(state.state for state in states)
    for name in ("on_track", "at_risk", "paused", "breached", "met"):
        table.add_row(f"state: {name}", f"{counts.get(name, 0):,}", "", "")
    Console().print(table)
    if args.store_tickets > 0:
        store_sweeps(args.store_tickets, args.seed, args.profile, args.profile_top)


def store_sweeps(count: int, seed: int, profile_path: str | None, top: int) -> None:
    """The store-backed sweep on SQLite (and PostgreSQL when configured), one table."""
    profile = cProfile.Profile() if profile_path else None
    results: list[StoreResult] = []
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'sla.db'}"
        results.append(measure(url, "SQLite", count, seed=seed, profile=profile))
    admin = os.environ.get("HYPERCARE_BENCH_DATABASE_URL")
    if admin:
        with postgres_database(admin) as url:
            results.append(measure(url, "PostgreSQL", count, seed=seed))
    limit = SWEEP_TARGET * count / 100_000
    table = Table(title=f"Store-backed sweep: {count:,} open tickets, services.sla.sweep()",
                  box=box.SIMPLE)
    for column in ("store", "sweep", "time", "CPU", "tickets/s", "vs target", "target", "verdict",
                   "escalations", "messages"):
        table.add_column(column, justify="left" if column in ("store", "sweep") else "right")
    for result in results:
        for sweep in result.sweeps:
            report = sweep.report
            made = sum(report.new_escalations.values())
            table.add_row(result.store, sweep.name, f"{sweep.seconds:.2f} s",
                          f"{sweep.cpu_seconds:.2f} s",
                          f"{report.tickets / sweep.seconds:,.0f}",
                          f"{sweep.seconds / limit:.2f}x", f"< {limit:.1f} s",
                          "[green]PASS[/]" if sweep.seconds < limit else "[red]MISS[/]",
                          f"{made:,} ({report.baselined:,} baseline)",
                          f"{sum(report.messages.values()):,}")
    first = results[0]
    filled = ", ".join(f"{n:,} {kind}" for kind, n in first.filled.items())
    table.caption = (f"store: {filled}; filled in {first.fill_seconds:.1f} s (untimed). "
                     f"Target: the steady sweep (+1 min). CPU: this process's.")
    Console(width=max(Console().width, 132)).print(table)
    if not admin:
        print("PostgreSQL not measured: set HYPERCARE_BENCH_DATABASE_URL")
    if profile is not None and profile_path:
        profile.dump_stats(profile_path)
        print(f"cProfile of a steady sweep ({first.store}) in {profile_path}; top {top}:")
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    main()
