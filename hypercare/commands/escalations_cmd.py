"""``hypercare escalations list [--open] [--format table|json]``: every escalation with the id
``triage ack`` and ``triage approve`` take (the TUI's escalations screen shows the same)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from hypercare.commands.arguments import LIMIT

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "escalations", help="list escalations (their ids for `triage ack|approve`)",
        description="Escalations of tickets, known issues and policy decisions, open and "
        "waiting for approval first, newest first; confidential titles masked for you.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list escalations")
    listing.add_argument("--open", action="store_true",
                         help="only those still open or waiting for approval")
    listing.add_argument("--limit", type=LIMIT, default=200)
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=run_list, reads_only=True)


def run_list(ctx: CliContext) -> int:
    from hypercare.commands.output import print_table, to_json
    from hypercare.terminal import data

    found = ctx.services().sla.list_escalations(viewer=ctx.viewer(),
                                                include_done=not ctx.args.open,
                                                limit=ctx.args.limit)
    if ctx.args.format == "json":
        print(to_json(found, ctx.zone))
        return 0
    if not found:
        print("no escalation" + (" open" if ctx.args.open else " yet"))
        return 0
    rows = [(str(e.id), data(e.ref), f"L{e.level}", data(e.level_name), data(e.trigger),
             e.status.replace("_", " "),
             e.created_at.astimezone(ctx.zone).strftime("%a %d %b %H:%M") if e.created_at
             else "-", data(e.acknowledged_by or e.approved_by or "-"), data(e.title))
            for e in found]
    print_table(f"escalations ({len(found)}, times in {ctx.zone.key})",
                ("id", "ref", "level", "to", "trigger", "status", "created", "by", "title"),
                rows, wide=("title",))
    return 0
