"""``hypercare sync [--reconcile] [--status]``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from hypercare.commands.context import CliContext
    from hypercare.services import SyncReport, SyncStatus


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sync", help="pull tickets and their history from Odoo into the store",
        description="Pull what changed in Odoo since the last run (tickets, their chatter and "
        "reference data) into the store. Safe to interrupt: the next run continues.")
    parser.add_argument("--reconcile", action="store_true",
                        help="also find tickets deleted or archived in Odoo (every N runs anyway)")
    parser.add_argument("--status", action="store_true",
                        help="show recent runs, cursors and staleness instead of syncing")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    from hypercare.commands.output import to_json
    from hypercare.commands.progress import sync_progress
    from hypercare.terminal import console

    services = ctx.services()
    zone = ctx.zone
    if ctx.args.status:
        status = services.sync.sync_status()
        if ctx.args.format == "json":
            print(to_json(status, zone))
        else:
            print_status(console(), status, ctx)
        return 0
    with sync_progress(enabled=sys.stderr.isatty() and ctx.args.format == "table") as progress:
        # the one "sync then sweep": it waits for a scheduled sync running elsewhere
        refreshed = services.refresh.refresh(reconcile=ctx.args.reconcile, progress=progress)
    if ctx.args.format == "json":
        print(to_json(refreshed.sync, zone))
    else:
        print_report(console(), refreshed.sync)
        if refreshed.sweep is not None:
            console().print(f"SLA clocks evaluated for {refreshed.sweep.tickets} tickets; "
                            f"{refreshed.escalations} escalations")
    return 0


def print_report(console: Console, report: SyncReport) -> None:
    from hypercare.terminal import data, line

    rows = report.rows
    console.print(
        f"synced: {rows.get('ticket', 0)} tickets changed ({len(report.new_tickets)} new), "
        f"{rows.get('message', 0)} messages, {rows.get('event', 0)} events "
        f"in {report.pull_seconds:.2f} s (+ {report.derive_seconds:.2f} s deriving); "
        f"{sum(report.rpc_calls.values())} RPC calls"
    )
    if report.reconciled:
        console.print(f"reconciled: {len(report.deleted)} deleted in Odoo, "
                      f"{len(report.archived)} archived")
    for note in report.notes:
        console.print(line(("note:", "yellow"), " ", data(note, limit=None)))


def print_status(console: Console, status: SyncStatus, ctx: CliContext) -> None:
    from rich import box
    from rich.text import Text

    from hypercare.commands.output import local
    from hypercare.terminal import DataTable, data, line

    zone = ctx.zone
    if status.last_good_at is None:
        console.print("[yellow]no successful sync yet[/] - run `hypercare sync`")
    else:
        age = "[red]STALE[/]" if status.stale else "[green]fresh[/]"
        console.print(f"last good sync {local(status.last_good_at, zone, seconds=True)} "
                      f"({age}, stale after {status.stale_after}); "
                      f"{status.tickets} tickets, {status.open_tickets} open")
    table = DataTable(title="recent sync runs", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("#", "started", "took", "status", "pages", "rows", "RPC", "pull", "derive"):
        table.add_column(column, justify="left" if column in ("status", "rows") else "right",
                         no_wrap=column != "rows")
    table.caption = "rows: t tickets changed, m messages, e events"
    for run in status.runs:
        took = f"{run.duration.total_seconds():.1f}s" if run.duration is not None else "running"
        state = data(run.status, {"ok": "green", "failed": "red",
                                  "abandoned": "yellow"}.get(run.status, ""))
        rows = " ".join(f"{k[0]}{run.rows[k]}" for k in ("ticket", "message", "event")
                        if run.rows.get(k))
        table.add_row(str(run.run_id), local(run.started_at, zone), took,
                      Text.assemble(state, " +rec" if run.reconcile else ""), str(run.pages),
                      rows or "-",
                      str(sum(run.rpc_calls.values())), f"{run.pull_seconds:.2f}s",
                      f"{run.derive_seconds:.2f}s")
    console.print(table)
    for run in status.runs:
        if run.error:
            console.print(line((f"run {run.run_id} failed:", "red"), " ",
                               data(run.error, limit=None)))
        if run.status == "abandoned":
            console.print(line((f"run {run.run_id} abandoned:", "yellow"), " ",
                               data(run.notes.removeprefix("abandoned: "), limit=None)))
    notes = {note for run in status.runs[:1] if run.status != "abandoned"
             for note in run.notes.splitlines() if note}
    for note in sorted(notes):
        console.print(line(("note:", "yellow"), " ", data(note, limit=None)))
    cursors = DataTable(title="cursors", title_justify="left", box=box.SIMPLE_HEAD)
    cursors.add_column("model")
    cursors.add_column("read up to (write_date)")
    cursors.add_column("last id", justify="right")
    for cursor in status.cursors:
        cursors.add_row(cursor.model, local(cursor.write_date, zone, seconds=True),
                        str(cursor.last_id))
    console.print(cursors)
