"""``hypercare tickets list|show|held``.

Tickets are shown as the person acting (``--as NAME``) may see them: the services mask a
confidential ticket's text for everyone but leads and its reporter, and leave out companies
the person may not see.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from hypercare.commands.arguments import LIMIT, record_id

if TYPE_CHECKING:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from hypercare.commands.context import CliContext
    from hypercare.services import HeldReply, TicketDetail, TicketView

HELD_VERBS = ("send", "dismiss")
"""What a lead decides about a held reply."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "tickets", help="list and show synced tickets; held Slack replies",
        description="Tickets from the store (run `hypercare sync`), as the person acting "
        "(--as NAME) may see them, and the Slack replies held for a lead (`tickets held`).")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list tickets, newest first")
    listing.add_argument("--open", action="store_true", help="only open tickets")
    listing.add_argument("--company", metavar="NAME_OR_ID", help="only this company's tickets")
    listing.add_argument("--archived", action="store_true",
                         help="include tickets archived in Odoo")
    listing.add_argument("--limit", type=LIMIT, metavar="N", help="at most N tickets")
    listing.add_argument("--format", choices=("table", "json", "csv"), default="table")
    listing.set_defaults(handler=run_list, reads_only=True)
    show = actions.add_parser("show", help="one ticket with its event log")
    show.add_argument("ref", metavar="REF", help="reference (e.g. HT00042), #ID or Odoo id")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(handler=run_show, reads_only=True)
    held = actions.add_parser(
        "held", help="Slack replies held as \"also affected\": list, send to Odoo, dismiss",
        usage="%(prog)s [-h] [--format {table,json}] [REF | send ID | dismiss ID]",
        description="Replies in a report's Slack thread from people who may not write to "
        "Odoo (roles.raise) are held as \"also affected\" signals. Leads decide each one: "
        "`tickets held` lists them all, `tickets held REF` those of one ticket, "
        "`tickets held send ID` posts one to the ticket in Odoo as an internal note, "
        "`tickets held dismiss ID` keeps it out of Odoo (it still counts as affected).")
    held.add_argument("words", nargs="*", metavar="REF | send ID | dismiss ID",
                      help="a ticket to list the held replies of, or send/dismiss and a "
                      "held reply's number")
    held.add_argument("--format", choices=("table", "json"), default="table")
    held.set_defaults(handler=run_held)


def run_list(ctx: CliContext) -> int:
    from hypercare.commands.output import plain, to_csv, to_json

    tickets = ctx.services().tickets.list_tickets(
        viewer=ctx.viewer(), open_only=ctx.args.open, company=ctx.args.company,
        include_archived=ctx.args.archived, limit=ctx.args.limit,
    )
    if ctx.args.format == "json":
        print(to_json(tickets, ctx.zone))
    elif ctx.args.format == "csv":
        print(to_csv(_flat_clocks([plain(t, ctx.zone) for t in tickets], ctx.zone)), end="")
    else:
        _table(ctx, tickets)
    return 0


CLOCK_FIELDS = (("state", "state"), ("due", "due_at"), ("business_minutes_left",
                                                        "business_minutes_left"),
                ("met_at", "met_at"))


def _flat_clocks(rows: list[dict[str, Any]], zone: ZoneInfo) -> list[dict[str, Any]]:
    """Each SLA clock as its own columns (``sla_first_response_due``, ``sla_resolution_state``
    ...) instead of a list of records in one cell; every row gets every target's columns;
    times in the command center's ``zone`` like the other columns."""
    from datetime import datetime

    targets: list[str] = []
    for row in rows:
        for clock in row.get("sla_clocks") or ():
            if clock.get("target") not in targets:
                targets.append(str(clock.get("target")))
    flat = []
    for row in rows:
        clocks = {str(c.get("target")): c for c in row.pop("sla_clocks", None) or ()}
        for target in targets:
            clock = clocks.get(target, {})
            for column, key in CLOCK_FIELDS:
                value = clock.get(key)
                if key in ("due_at", "met_at") and isinstance(value, str) and value:
                    value = datetime.fromisoformat(value).astimezone(zone).isoformat()
                row[f"sla_{target}_{column}"] = value
        flat.append(row)
    return flat


def _table(ctx: CliContext, tickets: list[TicketView]) -> None:
    from rich import box

    from hypercare.terminal import DataTable, console
    from hypercare.triage.sla_text import short_text, time_text, when_text, zone_name

    now = ctx.services().context.clock()
    table = DataTable(title=f"{len(tickets)} tickets · times in {zone_name(ctx.zone)}",
                      title_justify="left", box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("ref", no_wrap=True)
    table.add_column("title", ratio=4, overflow="ellipsis", no_wrap=True)
    table.add_column("company", ratio=1, max_width=22, overflow="ellipsis", no_wrap=True)
    table.add_column("stage", ratio=1, max_width=16, overflow="ellipsis", no_wrap=True)
    table.add_column("prio", max_width=9, overflow="ellipsis", no_wrap=True)
    table.add_column("assignee", ratio=1, max_width=20, overflow="ellipsis", no_wrap=True)
    table.add_column("created", no_wrap=True)
    table.add_column("sla", no_wrap=True)
    table.add_column("due", no_wrap=True)
    for t in tickets:
        style = "dim" if t.is_closed else ("red" if t.odoo_sla_failed else "")
        clock = t.sla_clock()  # the narrow form; a met clock by when (`tickets show`: all)
        running = clock.state not in ("", "met") and clock.met_at is None
        due = when_text(clock.due_at, now=now, zone=ctx.zone) if running and clock.due_at else ""
        sla = (time_text(clock, now=now, zone=ctx.zone) if clock.state == "met"
               else short_text(clock, state=True))
        table.add_row(t.ref, t.title, t.company, t.stage, t.priority_label, t.assignee,
                      _short(t.created_at, ctx.zone), sla, due, style=style)
    console().print(table)


def _short(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%m-%d %H:%M") if moment else ""


def run_show(ctx: CliContext) -> int:
    from hypercare.commands.output import to_json

    detail = ctx.services().tickets.show_ticket(ref=ctx.args.ref, viewer=ctx.viewer())
    if ctx.args.format == "json":
        print(to_json(detail, ctx.zone))
    else:
        _detail(ctx, detail)
    return 0


def _detail(ctx: CliContext, detail: TicketDetail) -> None:
    from hypercare.commands.output import local
    from hypercare.terminal import console, data, line, link
    from hypercare.text import one_line

    t, zone, out = detail.ticket, ctx.zone, console()
    state = "closed" if t.is_closed else "open"
    out.print(line(data(t.ref, "bold"), " ", data(t.title, limit=None)))
    out.print(line(data(t.company), " / ", data(t.team), " - stage ", data(t.stage),
                   f" ({state}) - priority ", data(t.priority_label), " - assignee ",
                   data(t.assignee or "(none)")))
    out.print(line("reporter ", data(t.partner_name), " <", data(t.partner_email), "> - tags ",
                   data(", ".join(t.tags) or "(none)"), " - type ",
                   data(t.ticket_type or t.odoo_category or "-")))
    if t.category:
        flags = "".join(f" [{f}]" for f, on in (("change request", t.change_request),
                                                  ("confidential", t.confidential)) if on)
        out.print(line(data(t.category, "bold"), " (", data(t.category_source),
                       f", {(t.category_confidence or 0):.0%}) - ", data(t.severity), " - app ",
                       data(t.app or "-"), flags))
        for reason in (*t.category_explanation, *t.severity_reasons):
            out.print(line("  ", data(reason, "dim", limit=None)))
    sla = "FAILED" if t.odoo_sla_failed else "ok"
    out.print(f"created {local(t.created_at, zone)} - first response "
              f"{local(t.first_response_at, zone) or '(none yet)'} - closed "
              f"{local(t.closed_at, zone) or '-'} - reopened {t.reopen_count}x - Odoo SLA "
              f"{local(t.odoo_sla_deadline, zone) or '-'} ({sla})", markup=False)
    _clocks(ctx, t)
    out.print(link(t.url))
    affected = line(f"also affected: {detail.also_affected}")
    if detail.also_affected_names:
        affected = line(affected, " (", data(", ".join(detail.also_affected_names)), ")")
    out.print(affected)
    out.print()
    out.print(data(t.description, limit=None, multiline=True))
    out.print()
    out.print(line(("event log", "bold")))
    for e in detail.events:
        change = f"{e.from_value} -> {e.to_value}" if e.from_value or e.to_value else ""
        text = " ".join(part for part in (one_line(change, 200), one_line(e.body, 100)) if part)
        actor = one_line(e.actor, 200)
        out.print(line(f"  {local(e.at, zone)}  {one_line(e.kind, 40):<16} {actor:<22} ",
                       data(text, limit=None)))


def _clocks(ctx: CliContext, t: TicketView) -> None:
    """One line per SLA clock, as the SLA formatter writes it, in the command center's zone."""
    from hypercare.terminal import console
    from hypercare.triage.sla_text import clock_text, zone_name

    out = console()
    clocks = t.sla_clock_times()
    if not clocks:
        out.print("SLA clocks: not evaluated yet (`hypercare triage sweep`)", markup=False)
        return
    now = ctx.services().context.clock()
    kind = "24x7: calendar hours" if t.sla_24x7 else "business hours: bh, bm"
    out.print(f"SLA clocks ({kind}; times in {zone_name(ctx.zone)})", markup=False)
    for target, clock in clocks:
        shown = clock_text(clock, now=now, zone=ctx.zone, state=True)
        out.print(f"  {target.replace('_', ' '):<15} {shown}", markup=False)


def run_held(ctx: CliContext) -> int:
    """``held [REF]`` lists, ``held send ID`` and ``held dismiss ID`` decide."""
    verb, target = _held_words(ctx.args.words)
    if verb is None:
        ctx.args.reads_only = True  # listing opens the store, never creates it
        replies = ctx.services().affected.held(viewer=ctx.viewer(), ref=target or "")
        _held_list(ctx, replies, target)
        return 0
    assert target is not None
    affected = ctx.services().affected
    signal_id = record_id(target)
    if verb == "send":
        reply = affected.send(signal_id=signal_id, viewer=ctx.viewer())
        done = "sent to Odoo as an internal note"
    else:
        reply = affected.dismiss(signal_id=signal_id, viewer=ctx.viewer())
        done = "dismissed (kept out of Odoo; it still counts as affected)"
    if ctx.args.format == "json":
        from hypercare.commands.output import to_json

        print(to_json(reply, ctx.zone))
        return 0
    from hypercare.terminal import console, data, line

    console().print(line(f"held reply #{reply.id} on ", data(reply.ref), " by ",
                         data(reply.who_name or reply.who), f": {done}"))
    return 0


def _held_words(words: list[str]) -> tuple[str | None, str | None]:
    """(verb, target): (None, REF or None) to list, ("send"|"dismiss", ID) to decide."""
    from hypercare.errors import UsageError

    usage = "Use `tickets held [REF]`, `tickets held send ID` or `tickets held dismiss ID`."
    if not words:
        return None, None
    first, rest = words[0], words[1:]
    if first.lower() in HELD_VERBS:
        if len(rest) != 1:
            raise UsageError(f"`tickets held {first.lower()}` takes one held reply's number",
                             hint=usage)
        try:
            record_id(rest[0])
        except argparse.ArgumentTypeError as exc:
            raise UsageError(str(exc), hint=usage) from None
        return first.lower(), rest[0]
    if rest:
        raise UsageError("`tickets held` lists the held replies of at most one ticket",
                         hint=usage)
    return None, first


def _held_list(ctx: CliContext, replies: list[HeldReply], ref: str | None) -> None:
    from hypercare.commands.output import local, print_table, to_json
    from hypercare.terminal import data

    if ctx.args.format == "json":
        print(to_json(replies, ctx.zone))
        return
    scope = f" on {ref}" if ref else ""
    print_table(f"{len(replies)} held replies{scope} (send or dismiss each: "
                "`tickets held send ID`)",
                ("id", "ticket", "who", "when", "text"),
                [(str(r.id), data(r.ref), data(_who(r)), local(r.at, ctx.zone), data(r.text))
                 for r in replies], wide=("text",))


def _who(reply: HeldReply) -> str:
    if reply.who_name and reply.who_name != reply.who:
        return f"{reply.who_name} ({reply.who})"
    return reply.who
