"""``hypercare demo``: the simulator in-process, a throw-away SQLite store, live syncing.

After the first sync it records what a lead would have by now (known issues, decisions and
backlog items, :mod:`hypercare.commands.demo_seed`) and opens the command-center TUI,
which keeps syncing. Without a terminal (or with ``--no-tui`` / ``--cycles``) it prints each
live arrival instead.

The go-live runs ``--rate`` times faster than the clock (default :data:`DEFAULT_RATE`: ten
minutes of demo are five hours of go-live, and the open backlog stays within about 20 %;
``bench/demo_backlog_bench.py`` measures it). SIGTERM and SIGHUP end the demo like Ctrl-C:
the simulator stops and the temporary folder is removed (an exit handler removes it too).
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from hypercare.commands.arguments import decimal, integer

if TYPE_CHECKING:
    from rich.console import Console

    from hypercare.commands.context import CliContext
    from hypercare.odoo.sim import OdooSimulator, SimulatorConfig
    from hypercare.services import Services, Viewer

DEFAULT_RATE = 30.0
"""The go-live's speed in the demo: fast enough to see tickets arrive and get solved, slow
enough that the open backlog stays within +-20 % over ten minutes."""
SIMULATED_APPS = ["sale.order", "account.move", "stock.picking", "purchase.order", "crm.lead",
                  "mrp.production", "pos.order", "project.task"]
"""The apps the simulated go-live runs (every app its tickets are about)."""
SCRATCH_PREFIX = "hypercare-demo-"


class Shutdown(SystemExit):
    """SIGTERM or SIGHUP: leave the demo the way Ctrl-C does, cleaning up on the way out.

    A :class:`SystemExit`, since asyncio lets only that and KeyboardInterrupt out of a task:
    raised while the TUI's event loop runs, it ends the app instead of one of its tasks."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo", help="try hypercare on a simulated Odoo go-live with a temporary store",
        description="Starts an Odoo simulator (a seeded go-live, new tickets arriving live) and a "
        "temporary SQLite store, syncs, then keeps syncing until Ctrl-C. Your own settings for "
        "Odoo and the store are not used. Opens the command-center TUI (ctrl+q quits).")
    parser.add_argument("--flavor", choices=("enterprise", "oca"), default="enterprise")
    parser.add_argument("--version", dest="odoo_version", choices=("17.0", "18.0", "19.0"),
                        default="19.0")
    parser.add_argument("--tickets", type=integer(0, 200_000), default=600,
                        help="tickets in the history")
    parser.add_argument("--days", type=integer(1, 365), default=8, help="days since go-live")
    parser.add_argument("--rate", type=decimal(0, 100_000), default=DEFAULT_RATE,
                        help="how many times faster than real time the go-live goes on "
                        f"(1 = real time; default {DEFAULT_RATE:g}: ten minutes of demo are "
                        "five hours of go-live)")
    parser.add_argument("--seed", type=integer(0, 2**32 - 1), default=7)
    parser.add_argument("--interval", type=decimal(0.1, 86_400), default=10.0,
                        help="seconds between live syncs (default 10)")
    parser.add_argument("--cycles", type=integer(0, 1_000_000), default=0,
                        help="print mode: stop after N live syncs (default: run until Ctrl-C)")
    parser.add_argument("--no-tui", action="store_true",
                        help="print live arrivals instead of opening the TUI")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    from rich.console import Console

    from hypercare.odoo.sim import SimulatorConfig

    args = ctx.args
    console = Console(highlight=False)
    config = SimulatorConfig(flavor=args.flavor, version=args.odoo_version, seed=args.seed,
                             tickets=args.tickets, days=args.days, rate=args.rate)
    with _shutdown_on_signals():
        try:
            _demo(ctx, console, config)
        except Shutdown:
            with suppress(OSError):  # the terminal may be gone (SIGHUP)
                console.print("stopped")
    return 0


def _demo(ctx: CliContext, console: Console, config: SimulatorConfig) -> None:
    from hypercare.odoo.sim import OdooSimulator

    with _scratch() as scratch, OdooSimulator(config).start("127.0.0.1", 0) as sim:
        services = _services(ctx, sim.url, config.db, config.login, config.api_key, scratch)
        try:
            console.print(f"[bold]hypercare demo[/]: simulated Odoo {config.version} "
                          f"({config.flavor} helpdesk) at {sim.url}, store in {scratch}")
            _prepare(ctx, console, services, sim)
            if _interactive(ctx.args):
                from hypercare.tui.launch import run_tui

                run_tui(services, jobs="demo", sync_seconds=ctx.args.interval)
            else:
                _live(console, services, ctx.args.interval, ctx.args.cycles)
        finally:
            services.close()


def _prepare(ctx: CliContext, console: Console, services: Services,
             sim: OdooSimulator) -> None:
    """The first sync, then what a lead would have recorded by now."""
    from hypercare.commands.context import identity
    from hypercare.commands.demo_seed import seed_demo
    from hypercare.errors import HypercareError
    from hypercare.terminal import data, line

    who = identity(ctx.args, services.context.settings)
    curation = sim.curation()  # over tickets that exist now: the first sync stores them all
    _first_sync(console, services, who)
    try:
        report = seed_demo(services, curation, _lead(services, who))
    except HypercareError as exc:  # one unit of work: nothing recorded, the demo goes on
        console.print(line(("not recorded:", "yellow"), " ", data(exc.message, limit=None)))
        return
    console.print(f"recorded as a lead: {report.known_issues} known issues, "
                  f"{report.decisions} decisions, {report.backlog} backlog items")


def _lead(services: Services, who: str) -> Viewer:
    """The person running the demo when they are a lead, else hypercare itself (a lead)."""
    from hypercare.services import SYSTEM

    viewer = services.context.access.viewer(who)
    return viewer if viewer.lead else SYSTEM


@contextmanager
def _scratch() -> Iterator[Path]:
    """A private temporary folder, removed on the way out and, should that be skipped, at
    interpreter exit."""
    folder = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)

    def remove() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    try:
        yield Path(folder)
    finally:
        remove()
        atexit.unregister(remove)


@contextmanager
def _shutdown_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Shutdown` in the main thread (once: a second signal
    during the shutdown is ignored); the previous handlers come back afterwards."""
    signals = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])

    def handler(signum: int, frame: FrameType | None) -> None:
        for sig in signals:
            signal.signal(sig, signal.SIG_IGN)
        raise Shutdown(signum)

    previous: dict[signal.Signals, Any] = {}
    with suppress(ValueError):  # not the main thread: leave signals alone
        for sig in signals:
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _interactive(args: argparse.Namespace) -> bool:
    import sys

    return not (args.no_tui or args.cycles) and sys.stdin.isatty() and sys.stdout.isatty()


def _services(ctx: CliContext, url: str, db: str, login: str, api_key: str,
              scratch: Path) -> Services:
    from hypercare.config import load_settings
    from hypercare.wiring import build_services

    overrides = {
        "database_url": f"sqlite:///{scratch / 'hypercare.db'}",
        "odoo.url": url, "odoo.db": db, "odoo.login": login, "odoo.api_key": api_key,
        "odoo.password": None, "odoo.password_file": None, "odoo.api_key_file": None,
        "odoo.protocol": "auto", "odoo.retries": 1, "odoo.backoff": 0.2,
        "kpi.apps_in_scope": SIMULATED_APPS,
        # the simulated group: a Brussels head office and a plant near Chicago
        "timezone": ctx.args.timezone or "Europe/Brussels",
        "sla.calendars": {"default": {}, "us": {"timezone": "America/Chicago"}},
        "sla.company_calendars": {"Acme Industries US": "us"},
    }
    if ctx.args.as_:  # the TUI it opens acts for the same person
        overrides["tui.user"] = ctx.args.as_
    settings = load_settings(config_path=ctx.args.config, overrides=overrides)
    return build_services(settings)


def _first_sync(console: Console, services: Services, identity: str) -> None:
    import sys

    from hypercare.commands.progress import sync_progress
    from hypercare.commands.sync_cmd import print_report
    from hypercare.errors import HypercareError
    from hypercare.terminal import data, line

    with sync_progress(enabled=sys.stderr.isatty()) as progress:
        refreshed = services.refresh.refresh(progress=progress)
    print_report(console, refreshed.sync)
    viewer = services.context.access.viewer(identity)
    open_tickets = services.tickets.list_tickets(viewer=viewer, open_only=True)
    by_company: dict[str, int] = {}
    for ticket in open_tickets:
        by_company[ticket.company] = by_company.get(ticket.company, 0) + 1
    breached = sum(1 for t in open_tickets if t.odoo_sla_failed)
    console.print(line(f"open tickets: {len(open_tickets)} (",
                       data(", ".join(f"{c} {n}" for c, n in sorted(by_company.items())),
                            limit=None), f"); {breached} past Odoo's SLA deadline"))
    categories: dict[str, int] = {}
    for ticket in open_tickets:
        categories[ticket.category or "unclassified"] = \
            categories.get(ticket.category or "unclassified", 0) + 1
    console.print(line("by category: ", data(", ".join(f"{c} {n}" for c, n in
                                                      sorted(categories.items())), limit=None)))
    sweep = refreshed.sweep
    states = ", ".join(f"{k} {v}" for k, v in sorted(sweep.states.items())) if sweep else "-"
    baselined = sweep.baselined if sweep else 0
    console.print(f"SLA clocks: {states}; {refreshed.escalations} escalations "
                  f"({baselined} already past SLA before hypercare watched: a baseline, "
                  f"summarised once), {sum(sweep.messages.values()) if sweep else 0} "
                  "messages queued")
    try:  # the adoption_snapshot job's read, once: the demo's jobs do not include it
        notes = services.kpis.snapshot_adoption().notes
    except HypercareError as exc:
        notes = (f"not read: {exc.message}",)
    for note in notes:
        console.print(line("adoption: ", data(note, limit=None)))


def _live(console: Console, services: Services, interval: float, cycles: int) -> None:
    """Print mode: the demo's jobs (sync, sweep, write-back) run as they would beside a TUI;
    each sync prints the tickets it brought (read from the store) and what it did."""
    import queue

    from hypercare.jobs.host import JobHost
    from hypercare.jobs.runner import JobOutcome
    from hypercare.services import SYSTEM
    from hypercare.terminal import data, line

    console.print(f"watching for live activity every {interval:g} s; Ctrl-C to stop")
    outcomes: queue.Queue[JobOutcome] = queue.Queue()
    seen = {t.ref for t in services.tickets.list_tickets(viewer=SYSTEM, include_archived=True)}
    host = JobHost(services, command="demo", sync_seconds=interval,
                   on_outcome=outcomes.put).start()
    done = 0
    try:
        while not cycles or done < cycles:
            try:
                outcome = outcomes.get(timeout=0.5)  # short waits: signals are seen at once
            except queue.Empty:
                continue
            if outcome.name != "sync" or not outcome.ran:
                continue
            done += 1
            if not outcome.ok:
                console.print(line(("sync failed:", "red"), " ",
                                   data(outcome.result.removeprefix("failed: "), limit=None)))
                continue
            seen = _print_live(console, services, seen, outcome.result)
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        host.stop(wait=True)


def _print_live(console: Console, services: Services, seen: set[str], result: str) -> set[str]:
    """Print the tickets not seen before and what the sync did; the refs seen now."""
    from datetime import datetime

    from hypercare.services import SYSTEM
    from hypercare.terminal import data, line
    from hypercare.text import one_line

    stamp = datetime.now().strftime("%H:%M:%S")
    tickets = services.tickets.list_tickets(viewer=SYSTEM, include_archived=True)
    for ticket in sorted((t for t in tickets if t.ref not in seen), key=lambda t: t.odoo_id):
        console.print(line(f"{stamp} ", ("new", "green"), f"     {one_line(ticket.ref, 40):<8} ",
                           data(ticket.title)))
    if not result.startswith("0 tickets changed"):
        console.print(line(f"{stamp} ", (result, "dim")))
    return {t.ref for t in tickets}