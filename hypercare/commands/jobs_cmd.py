"""``hypercare jobs outbox`` (the scheduler's ``list`` and ``run`` arrive with ``serve``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.cli import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("jobs", help="the outbox of messages (job scheduling: "
                                   "list/run not built yet)",
                                   description="Scheduled jobs and the message outbox.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    outbox = actions.add_parser("outbox", help="list queued, sent, dead and suppressed messages")
    outbox.add_argument("--state", choices=("pending", "sending", "sent", "dead", "suppressed"))
    outbox.add_argument("--limit", type=int, default=50)
    outbox.add_argument("--format", choices=("table", "json"), default="table")
    outbox.set_defaults(handler=run_outbox)
    retry = actions.add_parser("retry", help="send a dead letter again (after fixing its cause)")
    retry.add_argument("message_id", type=int, metavar="ID", help="the outbox message's #")
    retry.set_defaults(handler=run_retry)
    for name in ("list", "run"):
        planned = actions.add_parser(name, help="not built yet (arrives with `hypercare serve`)")
        planned.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        planned.set_defaults(handler=_not_built(name))


def _not_built(name: str) -> object:
    def handler(ctx: CliContext) -> int:
        from hypercare.errors import NotBuiltError

        raise NotBuiltError(f"`hypercare jobs {name}` is not built yet in this version")

    return handler


def run_outbox(ctx: CliContext) -> int:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from hypercare.commands.output import local, to_json

    rows = ctx.services().sla.list_outbox(state=ctx.args.state, limit=ctx.args.limit)
    if ctx.args.format == "json":
        print(to_json(rows, ctx.zone))
        return 0
    table = Table(title=f"outbox: {len(rows)} messages", title_justify="left",
                  box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    for column in ("#", "kind", "to", "state", "not before", "about", "why"):
        table.add_column(column, overflow="ellipsis", no_wrap=column != "why")
    for row in rows:
        ticket = row.payload.get("ticket") or {}
        about = ticket.get("ref", "") or f"{len(row.payload.get('items', []))} tickets"
        table.add_row(str(row.id), row.kind, ",".join(row.recipients), row.state,
                      local(row.next_attempt_at, ctx.zone), about,
                      row.reason or row.last_error or str(row.payload.get("detail", "")))
    Console().print(table)
    return 0


def run_retry(ctx: CliContext) -> int:
    message = ctx.services().delivery.retry(message_id=ctx.args.message_id)
    print(f"outbox message #{message.id} ({message.kind} to {', '.join(message.recipients)}) "
          "is queued again; the bot (or `hypercare serve`) delivers it within a minute.")
    return 0
