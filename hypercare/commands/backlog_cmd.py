"""``hypercare backlog list|add|update|link``: the prioritized improvement backlog (changed
by leads: the person acting, ``--as NAME``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.services.problems.backlog import ScoredItem

TYPES = ("fix", "decision", "job_aid", "enhancement")
EFFORTS = ("S", "M", "L", "XL")
STATUSES = ("proposed", "approved", "scheduled", "in_test", "released", "done", "rejected")


def _item_id(text: str) -> int:
    from hypercare.numbers import parse_id

    number = parse_id(text.upper().removeprefix("B-"))
    if number is None:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a backlog item (B-7 or 7)")
    return number


def _one_to_five(text: str) -> int:
    if text not in ("1", "2", "3", "4", "5"):
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 (low) to 5 (high)")
    return int(text)


def _effort(text: str) -> str:
    if text.upper() not in EFFORTS:
        raise argparse.ArgumentTypeError(f"{text!r}: give S, M, L or XL")
    return text.upper()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "backlog", help="the improvement backlog, prioritized, and the fit-to-standard guard",
        description="Backlog items scored from business value (1-5), risk (1-5), effort "
        "(S/M/L/XL) and the tickets behind them; the guard warns when enhancements grow.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="items by score, and the guard's warning")
    listing.add_argument("--all", action="store_true", help="closed items too")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=run_list, reads_only=True)
    add = actions.add_parser("add", help="add an item")
    add.add_argument("--type", choices=TYPES, required=True)
    add.add_argument("--title", required=True)
    add.add_argument("--description", default="")
    add.add_argument("--owner", default="")
    _sizes(add)
    add.add_argument("--link", action="append", default=[], metavar="TARGET",
                     help="ticket:42, known_issue:3 or decision:5 (repeatable)")
    add.add_argument("--format", choices=("table", "json"), default="table")
    add.set_defaults(handler=run_add)
    update = actions.add_parser("update", help="size, move or rename an item")
    update.add_argument("item", type=_item_id, metavar="B-N")
    _sizes(update)
    update.add_argument("--status", choices=STATUSES)
    update.add_argument("--owner")
    update.add_argument("--title")
    update.add_argument("--release-target", dest="release_target")
    update.add_argument("--format", choices=("table", "json"), default="table")
    update.set_defaults(handler=run_update)
    link = actions.add_parser("link", help="link a ticket, known issue or decision")
    link.add_argument("item", type=_item_id, metavar="B-N")
    link.add_argument("target", metavar="TARGET", help="ticket:42, known_issue:3, decision:5")
    link.add_argument("--format", choices=("table", "json"), default="table")
    link.set_defaults(handler=run_link)


def _sizes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--value", type=_one_to_five, help="business value 1-5")
    parser.add_argument("--risk", type=_one_to_five, help="risk of leaving it 1-5")
    parser.add_argument("--effort", type=_effort, help="S, M, L or XL")


def run_list(ctx: CliContext) -> int:
    from hypercare.commands.output import print_table, to_json
    from hypercare.terminal import console, data, line

    services = ctx.services()
    items = services.backlog.scored(include_closed=ctx.args.all)
    guard = services.backlog.guard()
    if ctx.args.format == "json":
        print(to_json({"items": items, "guard": guard.report,
                       "seeds": [{"item": view.ref, "reasons": reasons}
                                 for view, reasons in guard.seeds]}, ctx.zone))
        return 0
    report = guard.report
    print_table(f"backlog: {len(items)} items by score "
                f"({report.enhancements} of {report.open_items} open are enhancements)",
                ("ref", "score", "type", "status", "value", "risk", "effort", "tickets", "title"),
                [_row(i) for i in items], wide=("title",))
    out = console()
    if report.warning:
        out.print(line(("guard:", "bold yellow"), " ", data(report.warning, limit=None)))
    for view, reasons in guard.seeds:
        out.print(line("  ", data(view.ref), " ", data(view.title), ": ",
                       data("; ".join(reasons), limit=None)))
    return 0


def _row(item: ScoredItem) -> tuple[str, ...]:
    view = item.item
    return (view.ref, f"{item.score:g}", view.type.replace("_", " "), view.status,
            str(view.value or "-"), str(view.risk or "-"), view.effort or "-",
            str(item.tickets), view.title)


def _show(ctx: CliContext, item: ScoredItem, verb: str) -> int:
    from hypercare.commands.output import to_json

    if ctx.args.format == "json":
        print(to_json(item, ctx.zone))
        return 0
    print(f"{item.item.ref} {verb}: score {item.score:g} ({item.explanation})")
    return 0


def run_add(ctx: CliContext) -> int:
    args = ctx.args
    item = ctx.services().backlog.add(type=args.type, title=args.title, viewer=ctx.viewer(),
                                      description=args.description, owner=args.owner,
                                      value=args.value, risk=args.risk,
                                      effort=args.effort or "", links=tuple(args.link))
    return _show(ctx, item, "added")


def run_update(ctx: CliContext) -> int:
    args = ctx.args
    item = ctx.services().backlog.update(
        item_id=args.item, viewer=ctx.viewer(), value=args.value, risk=args.risk,
        effort=args.effort, status=args.status, owner=args.owner, title=args.title,
        release_target=args.release_target)
    return _show(ctx, item, "updated")


def run_link(ctx: CliContext) -> int:
    item = ctx.services().backlog.link(item_id=ctx.args.item, target=ctx.args.target,
                                       viewer=ctx.viewer())
    return _show(ctx, item, f"linked to {ctx.args.target}")
