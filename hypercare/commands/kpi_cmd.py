"""``hypercare kpi [exit|watch|snapshot|adoption|record]``."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from hypercare.commands.arguments import DAYS

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.services import KpiBoard

SPARKS = "▁▂▃▄▅▆▇█"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("kpi", help="KPIs, adoption signals and exit criteria",
                                   description="The KPI board; `kpi exit` for the readiness "
                                   "report, `kpi watch` for the watch KPIs.")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--days", type=DAYS, default=None,
                        help="the last N days, today included (default 14)")
    parser.add_argument("--week", metavar="YYYY-Www",
                        help="one ISO week instead, e.g. 2026-W49 (this week: up to now)")
    parser.add_argument("--company", help="only this company")
    parser.add_argument("--team", help="only this team")
    parser.set_defaults(handler=run_board, reads_only=True)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    exit_ = actions.add_parser("exit", help="the hypercare exit readiness report")
    exit_.add_argument("--format", choices=("table", "json"), default="table")
    exit_.set_defaults(handler=run_exit, reads_only=True)
    watch = actions.add_parser("watch", help="evaluate the watch KPIs (alerts when crossed)")
    watch.add_argument("--format", choices=("table", "json"), default="table")
    watch.set_defaults(handler=run_watch)
    snapshot = actions.add_parser("snapshot", help="store today's value of every KPI")
    snapshot.set_defaults(handler=run_snapshot)
    adoption = actions.add_parser("adoption", help="read adoption and business signals "
                                  "from Odoo into the store")
    adoption.add_argument("--days", type=DAYS, default=14)
    adoption.set_defaults(handler=run_adoption)
    record = actions.add_parser("record", help="record a milestone reached or a sign-off",
                                description="Record an exit criterion's milestone or "
                                "sign-off (leads; act as someone with --as NAME).")
    record.add_argument("key", help="the criterion's key (see `kpi exit`)")
    record.add_argument("--on", type=date.fromisoformat, metavar="YYYY-MM-DD")
    record.add_argument("--note", default="")
    record.set_defaults(handler=run_record)


def sparkline(values: list[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARKS[int((v - low) / span * (len(SPARKS) - 1))] for v in values)


def run_board(ctx: CliContext) -> int:
    from hypercare.commands.output import to_json

    if ctx.args.week is not None and ctx.args.days is not None:
        from hypercare.errors import UsageError

        raise UsageError("give --days or --week, not both")
    kpis = ctx.services().kpis
    window = kpis.window(days=ctx.args.days, week=ctx.args.week)
    board = kpis.board(window=window, company=ctx.args.company, team=ctx.args.team)
    if ctx.args.format == "json":
        print(to_json(board, ctx.zone))
    else:
        print_board(board)
    return 0


def print_board(board: KpiBoard) -> None:
    from rich import box

    from hypercare.kpi.registry import BREAKDOWN_UNITS, MONEY, format_money, format_value
    from hypercare.terminal import DataTable, console, data

    table = DataTable(title=f"KPIs {board.window_label} ({board.scope_label})",
                      title_justify="left", box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    for column in ("KPI", "value", "target", "trend", "breakdown"):
        table.add_column(column, overflow="ellipsis", no_wrap=True,
                         ratio=2 if column == "breakdown" else None)
    for kpi in board.kpis:
        mark = {True: "green", False: "red", None: ""}[kpi.on_target]
        unit = BREAKDOWN_UNITS.get(kpi.key, kpi.unit)
        breakdown = ", ".join(f"{k} {format_value(v, unit, short=True)}"
                              for k, v in kpi.breakdown[:4])
        value = format_value(kpi.value, kpi.unit)
        if kpi.value is None and kpi.unit == MONEY and kpi.breakdown:
            value, breakdown = format_money(kpi.breakdown), ""  # per currency, never added
        table.add_row(kpi.label, data(value, mark),
                      format_value(kpi.target, kpi.unit) if kpi.target is not None else "-",
                      sparkline([v for _, v in kpi.series][-14:]), breakdown)
    console().print(table)


def run_exit(ctx: CliContext) -> int:
    from rich import box

    from hypercare.commands.output import to_json
    from hypercare.terminal import DataTable, console, data, line

    if ctx.args.company or ctx.args.team:
        from hypercare.errors import UsageError

        raise UsageError("the exit readiness is for the whole go-live: it takes no --company "
                         "or --team", hint="Run `hypercare kpi exit` without them.")
    report = ctx.services().kpis.readiness()
    if ctx.args.format == "json":
        print(to_json(report, ctx.zone))
        return 0
    out = console()
    table = DataTable(title="hypercare exit readiness", title_justify="left", box=box.SIMPLE_HEAD,
                  expand=True, pad_edge=False)
    for column in ("criterion", "status", "value", "trend", "detail"):
        table.add_column(column, overflow="ellipsis", no_wrap=column != "detail",
                         ratio=2 if column == "detail" else None)
    colors = {"met": "green", "not_met": "red", "at_risk": "yellow", "pending": "dim"}
    for c in report.criteria:
        table.add_row(c.label, data(c.status, colors.get(c.status, "")), c.value, c.trend,
                      c.detail)
    out.print(table)
    f = report.forecast
    out.print(line("forecast: ", data(f.explanation, limit=None)))
    out.print("ready to exit" if report.ready else "not ready to exit yet")
    return 0


def run_watch(ctx: CliContext) -> int:
    from hypercare.commands.output import print_table, to_json

    results = ctx.services().kpis.watch()
    if ctx.args.format == "json":
        print(to_json(results, ctx.zone))
        return 0
    if not results:
        print("no watch KPIs configured (kpi.watch in hypercare.toml)")
        return 0
    print_table("watch KPIs", ("name", "value", "threshold", "state"),
                [(r.name, "-" if r.value is None else f"{r.value:g}",
                  f"{r.direction} {r.threshold:g}",
                  r.error or ("CROSSED" if r.breached else "ok")) for r in results],
                wide=("name",))
    return 0


def run_snapshot(ctx: CliContext) -> int:
    count = ctx.services().kpis.snapshot()
    print(f"stored {count} KPI values for today")
    return 0


def run_adoption(ctx: CliContext) -> int:
    from hypercare.text import clean

    report = ctx.services().kpis.read_adoption(days=ctx.args.days)
    print(f"read {report.days} days of adoption signals; active users today: "
          f"{report.active_users_today if report.active_users_today is not None else '-'} "
          f"of {report.internal_users}")
    for note in report.notes:
        print(f"note: {clean(note)}")
    return 0


def run_record(ctx: CliContext) -> int:
    from hypercare.text import clean

    viewer = ctx.viewer()
    ctx.services().kpis.record_exit(key=ctx.args.key, viewer=viewer, done_on=ctx.args.on,
                                    note=ctx.args.note)
    print(clean(f"{ctx.args.key} recorded by {viewer.name}"))
    return 0
