"""``hypercare escalations list [--open] [--format table|json]``: every escalation with the id
``triage ack`` and ``triage approve`` take (the TUI's escalations screen shows the same): one
row per subject and level with every trigger on record there; *baseline* ones (already past
their SLA when hypercare started watching) among those still to look at."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from hypercare.commands.arguments import LIMIT

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.commands.output import Column


TRIGGERS_MIN, TRIGGERS_MAX = 20, 80
KEPT_CELLS = 66
"""Cells of the columns always shown beside the triggers (id, ref, level, status, the
title's least) and the gaps between them."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "escalations", help="list escalations (their ids for `triage ack|approve`)",
        description="Escalations of tickets, known issues and policy decisions, open and "
        "waiting for approval first, then the baseline ones (already past their SLA when "
        "hypercare started watching), newest first; confidential titles masked for you.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list escalations")
    listing.add_argument("--open", action="store_true",
                         help="only those still to look at: open, waiting for approval "
                              "or baseline")
    listing.add_argument("--limit", type=LIMIT, default=200)
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=run_list, reads_only=True)


def run_list(ctx: CliContext) -> int:
    from hypercare.commands.output import print_fitted, to_json
    from hypercare.services import BASELINE_MEANING
    from hypercare.terminal import console, data

    found = ctx.services().sla.list_escalations(viewer=ctx.viewer(),
                                                include_done=not ctx.args.open,
                                                limit=ctx.args.limit)
    if ctx.args.format == "json":
        print(to_json(found, ctx.zone))
        return 0
    if not found:
        print("no escalation" + (" open" if ctx.args.open else " yet"))
        return 0
    rows = [(str(e.id), data(e.ref), f"L{e.level}", data(e.level_name), data(e.reasons),
             e.status.replace("_", " "),
             e.created_at.astimezone(ctx.zone).strftime("%a %d %b %H:%M") if e.created_at
             else "-", data(e.acknowledged_by or e.approved_by or "-"), data(e.title))
            for e in found]
    print_fitted(f"escalations ({len(found)}, times in {ctx.zone.key})",
                 _columns(console().width), rows)
    baseline = sum(e.baseline for e in found)
    if baseline:
        print(f"baseline ({baseline}): {BASELINE_MEANING} (summarised once, never "
              "alerted one by one); `hypercare triage ack ID` once looked at")
    return 0


def _columns(width: int) -> tuple[Column, ...]:
    """The table's columns on a terminal ``width`` cells wide: the triggers get what the id,
    ref, level, status and some title leave (whole from about 120 columns); who handled it,
    the level's name and the creation time give way first."""
    from hypercare.commands.output import Column

    triggers = min(TRIGGERS_MAX, max(TRIGGERS_MIN, width - KEPT_CELLS))
    return (Column("id", 8), Column("ref", 16), Column("level", 5), Column("to", 24, drop=2),
            Column("triggers", triggers), Column("status", 16), Column("created", 16, drop=3),
            Column("by", 24, drop=1), Column("title", flexible=True))
