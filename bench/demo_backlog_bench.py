"""The demo's open backlog over ten minutes of demo time, at the default ``--rate`` and others.

Run from the repository root::

    .venv/bin/python bench/demo_backlog_bench.py
    .venv/bin/python bench/demo_backlog_bench.py --rates 30 60 300 --minutes 10

For each rate and each start moment it builds the demo's scenario (``hypercare demo``'s
defaults: tickets, days since go-live, seed) at that moment and steps the simulator's clock
through ``--minutes`` of demo time, ``--step`` seconds at a time, in fast-forward (``set_now``
instead of waiting: a run takes about a second), counting the open tickets (neither archived
nor solved or cancelled) after each step. The start moments spread over a working week and a
night in Brussels, since office hours drive arrivals. It prints one table: the open backlog
at the start, its minimum, maximum and end, end/start, the largest distance from the start,
and the verdict against the target (within +-20 % all along). The exit code is 0 even on a
MISS: a benchmark is not a test (``tests/odoo_sim/test_demo_backlog.py`` is).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypercare.cli import build_parser
from hypercare.odoo.sim import SimulatorConfig
from hypercare.odoo.sim.backlog import BacklogTrace, trace

TARGET = 0.20
LOCAL = ZoneInfo("Europe/Brussels")
STARTS = (datetime(2026, 11, 16, 9, 30, tzinfo=LOCAL),  # Monday morning
          datetime(2026, 11, 18, 14, 0, tzinfo=LOCAL),  # Wednesday afternoon
          datetime(2026, 11, 20, 16, 0, tzinfo=LOCAL),  # Friday late afternoon
          datetime(2026, 11, 19, 22, 0, tzinfo=LOCAL))  # Thursday night


def main(argv: Sequence[str] | None = None) -> None:
    demo = build_parser().parse_args(["demo"])
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[demo.rate, 60.0, 300.0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--step", type=float, default=10.0, help="seconds per clock step")
    parser.add_argument("--tickets", type=int, default=demo.tickets)
    parser.add_argument("--days", type=int, default=demo.days)
    parser.add_argument("--seed", type=int, default=demo.seed)
    args = parser.parse_args(argv)
    print(f"demo defaults: --rate {demo.rate:g}, {args.tickets} tickets, {args.days} days since "
          f"go-live, seed {args.seed}; {args.minutes:g} demo minutes in {args.step:g} s steps")
    header = (f"{'rate':>6} {'start (Brussels)':<17} {'start':>5} {'min':>5} {'max':>5} "
              f"{'end':>5} {'end/start':>9} {'max dev':>8}  verdict")
    print(header)
    print("-" * len(header))
    started = time.perf_counter()
    for rate in args.rates:
        config = SimulatorConfig(tickets=args.tickets, days=args.days, seed=args.seed,
                                 rate=rate)
        runs = [trace(config, start.astimezone(UTC), args.minutes,
                      timedelta(seconds=args.step)) for start in STARTS]
        for run in runs:
            print(_row(run, default=rate == demo.rate))
        worst = max(run.deviation for run in runs)
        print(f"{'':>6} {'worst':<17} {'':>5} {'':>5} {'':>5} {'':>5} {'':>9} "
              f"{worst:>7.0%}  {_verdict(worst)}")
    print(f"({time.perf_counter() - started:.1f} s)")


def _row(run: BacklogTrace, *, default: bool) -> str:
    rate = f"x{run.rate:g}" + ("*" if default else "")
    start = run.start.astimezone(LOCAL).strftime("%a %d %b %H:%M")
    return (f"{rate:>6} {start:<17} {run.first:>5} {min(run.counts):>5} {max(run.counts):>5} "
            f"{run.last:>5} {run.ratio:>9.2f} {run.deviation:>7.0%}  {_verdict(run.deviation)}")


def _verdict(deviation: float) -> str:
    return "ok" if deviation <= TARGET else "MISS"


if __name__ == "__main__":
    main()
