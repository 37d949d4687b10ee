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
    listing = actions.add_parser(
        "list", help="list tickets, most urgent first (the TUI queue's order)",
        description="Tickets most urgent first, as the TUI queue orders them: breached, then "
        "at risk, then the rest; fewest minutes left, severity, age. The table fits the "
        "terminal: at a narrow one reopens, first response, team and company give way.")
    listing.add_argument("--open", action="store_true", help="only open tickets")
    listing.add_argument("--company", metavar="NAME_OR_ID", help="only this company's tickets")
    listing.add_argument("--archived", action="store_true",
                         help="include tickets archived in Odoo")
    listing.add_argument("--limit", type=LIMIT, metavar="N", help="the N most urgent tickets")
    listing.add_argument("--format", choices=("table", "json", "csv"), default="table")
    listing.set_defaults(handler=run_list, reads_only=True)
    show = actions.add_parser(
        "show", help="one ticket: SLA clocks, escalations, known issue, event log")
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
    from hypercare.commands.output import to_csv, to_json

    tickets = ctx.services().tickets.list_tickets(
        viewer=ctx.viewer(), open_only=ctx.args.open, company=ctx.args.company,
        include_archived=ctx.args.archived, limit=ctx.args.limit, order="urgency",
    )
    if ctx.args.format == "json":
        print(to_json([_plain(t, ctx.zone) for t in tickets], ctx.zone))
    elif ctx.args.format == "csv":
        print(to_csv(_flat_clocks([_plain(t, ctx.zone) for t in tickets], ctx.zone)), end="")
    else:
        _table(ctx, tickets)
    return 0


def _plain(ticket: TicketView, zone: ZoneInfo) -> dict[str, Any]:
    """A ticket's JSON and CSV keys: its fields, times in ``zone``, the severity as people
    read it (``S2``; "" before classification)."""
    from hypercare.commands.output import plain
    from hypercare.triage.labels import severity_label

    shown: dict[str, Any] = plain(ticket, zone)
    shown["severity"] = severity_label(ticket.severity)
    return shown


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


ROW_STYLES = {"breached": "bold red", "at_risk": "dark_orange"}
"""As the TUI queue colours a row by its SLA state (closed rows dim)."""


def _table(ctx: CliContext, tickets: list[TicketView]) -> None:
    """The TUI queue's words: severity, the category label, the clock as the SLA formatter
    writes it in a narrow column (``breached 30 bh over``), its due time, ``closed``."""
    from hypercare.commands.output import Column, print_fitted
    from hypercare.triage.labels import category_label, severity_label
    from hypercare.triage.sla_text import when_text, zone_name

    columns = (  # at a narrow terminal reopens give way first, then first response, team
        # and company; ref, severity, category, SLA and title always stay
        Column("Ref", 12), Column("Sev", 3), Column("Category", 9), Column("SLA", 24),
        Column("Due", 20), Column("Title", flexible=True), Column("Company", 20, drop=4),
        Column("Team", 22, drop=3), Column("First response", 20, drop=2),
        Column("Reopens", 7, drop=1, justify="right"))
    now, zone = ctx.services().context.clock(), ctx.zone
    rows, styles = [], []
    for t in tickets:
        first = when_text(t.first_response_at, now=now, zone=zone) if t.first_response_at else "-"
        rows.append((t.ref, severity_label(t.severity, "--"), category_label(t.category),
                     *_sla(t, now, zone),
                     t.title, t.company, t.team, first, str(t.reopen_count)))
        styles.append("dim" if t.is_closed else ROW_STYLES.get(t.sla_state, ""))
    print_fitted(f"{len(tickets)} tickets, most urgent first · times in {zone_name(zone)}",
                 columns, rows, styles=styles)


def _sla(t: TicketView, now: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """(the resolution clock in the narrow form with its state, its due time while it runs);
    ``closed`` for a closed ticket, as in the TUI queue (`tickets show`: every clock)."""
    from hypercare.triage.sla_text import short_text, when_text

    if t.is_closed:
        return "closed", ""
    clock = t.sla_clock()
    running = clock.state not in ("", "met") and clock.met_at is None
    due = when_text(clock.due_at, now=now, zone=zone) if running and clock.due_at else ""
    return short_text(clock, state=True), due


def run_show(ctx: CliContext) -> int:
    detail = ctx.services().tickets.show_ticket(ref=ctx.args.ref, viewer=ctx.viewer())
    if ctx.args.format == "json":
        print(_detail_json(ctx, detail))
    else:
        _detail(ctx, detail)
    return 0


def _detail_json(ctx: CliContext, detail: TicketDetail) -> str:
    """The detail's keys (``ticket``, ``events``, ``also_affected``, ``sla``, ``escalations``,
    ``known_issue`` ...), times with the command center's offset; each clock also ``text``,
    as the SLA formatter writes it."""
    import json

    from hypercare.commands.output import plain, safe_json
    from hypercare.triage.sla_text import clock_text

    now, shown = ctx.services().context.clock(), plain(detail, ctx.zone)
    shown["ticket"] = _plain(detail.ticket, ctx.zone)
    for clock, view in zip(shown["sla"], detail.sla, strict=True):
        clock["text"] = clock_text(view.clock(), now=now, zone=ctx.zone, state=True)
    return safe_json(json.dumps(shown, indent=2, ensure_ascii=False))


def _detail(ctx: CliContext, detail: TicketDetail) -> None:
    from hypercare.commands.output import local
    from hypercare.terminal import console, data, line, link
    from hypercare.text import one_line
    from hypercare.triage.labels import severity_label
    from hypercare.triage.sla_text import zone_name

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
                       f", {(t.category_confidence or 0):.0%}) - ",
                       data(severity_label(t.severity)), " - app ",
                       data(t.app or "-"), flags))
        for reason in (*t.category_explanation, *t.severity_reasons):
            out.print(line("  ", data(reason, "dim", limit=None)))
    sla = "FAILED" if t.odoo_sla_failed else "ok"
    out.print(f"created {_named(t.created_at, zone)} - first response "
              f"{_named(t.first_response_at, zone) or '(none yet)'}", markup=False)
    out.print(f"{'closed ' + _named(t.closed_at, zone) if t.closed_at else 'still open'}"
              f" - reopened "
              f"{t.reopen_count}x - Odoo SLA {_named(t.odoo_sla_deadline, zone) or '-'} ({sla})",
              markup=False)
    _clocks(ctx, detail)
    _escalations(ctx, detail)
    _known_issue(detail)
    out.print(link(t.url))
    affected = line(f"also affected: {detail.also_affected}")
    if detail.also_affected_names:
        affected = line(affected, " (", data(", ".join(detail.also_affected_names)), ")")
    out.print(affected)
    out.print()
    out.print(data(t.description, limit=None, multiline=True))
    out.print()
    out.print(line(("event log", "bold"), f" (times in {zone_name(zone)})"))
    for e in detail.events:
        change = f"{e.from_value} -> {e.to_value}" if e.from_value or e.to_value else ""
        text = " ".join(part for part in (one_line(change, 200), one_line(e.body, 100)) if part)
        actor = one_line(e.actor, 200)
        out.print(line(f"  {local(e.at, zone)}  {one_line(e.kind, 40):<16} {actor:<22} ",
                       data(text, limit=None)))


def _named(moment: datetime | None, zone: ZoneInfo) -> str:
    """``2026-12-07 14:30 Europe/Brussels``: a time in the command center's zone, named;
    "" when unknown."""
    from hypercare.commands.output import local
    from hypercare.triage.sla_text import zone_name

    return f"{local(moment, zone)} {zone_name(zone)}" if moment else ""


def _clocks(ctx: CliContext, detail: TicketDetail) -> None:
    """One line per SLA clock (target, state, time left or over, due, met), as the SLA
    formatter writes it, in the command center's zone."""
    from hypercare.terminal import console
    from hypercare.triage.sla_text import clock_text, zone_name

    out = console()
    if not detail.sla:
        out.print("SLA clocks: not evaluated yet (`hypercare triage sweep`)", markup=False)
        return
    now = ctx.services().context.clock()
    kind = "24x7: calendar hours" if detail.ticket.sla_24x7 else "business hours: bh, bm"
    out.print(f"SLA clocks ({kind}; times in {zone_name(ctx.zone)})", markup=False)
    for clock in detail.sla:
        shown = clock_text(clock.clock(), now=now, zone=ctx.zone, state=True)
        out.print(f"  {clock.target.replace('_', ' '):<15} {shown}", markup=False)


def _escalations(ctx: CliContext, detail: TicketDetail) -> None:
    """Each escalation: level, trigger, when, and who acknowledged it when."""
    from hypercare.terminal import console, data, line

    out = console()
    if not detail.escalations:
        out.print("escalations: none", markup=False)
        return
    out.print(f"escalations ({len(detail.escalations)}, oldest first)", markup=False)
    for e in detail.escalations:
        trigger = e.trigger.replace("_", " ") + (f": {e.detail}" if e.detail else "")
        if e.status == "acknowledged":
            status = line("acknowledged by ", data(e.acknowledged_by or "?"),
                          f" {_named(e.acknowledged_at, ctx.zone)}".rstrip())
        else:
            status = line(STATUS_WORDS.get(e.status, e.status.replace("_", " ")))
        if e.approved_by:
            status = line(status, " (approved by ", data(e.approved_by), ")")
        out.print(line(f"  L{e.level} ", data(e.level_name), " - ", data(trigger), " - ",
                       _named(e.created_at, ctx.zone) or "-", " - ", status))


STATUS_WORDS = {"open": "open, not acknowledged", "pending_approval": "waiting for approval",
                "superseded": "superseded"}
"""An escalation's status as ``tickets show`` words it (acknowledged: by whom, when)."""


def _known_issue(detail: TicketDetail) -> None:
    from hypercare.terminal import console, data, line

    out, issue = console(), detail.known_issue
    if issue is None:
        out.print("known issue: none", markup=False)
        return
    out.print(line("known issue ", data(issue.ref, "bold"), " (",
                   data(issue.status.replace("_", " ")), "): ", data(issue.title)))
    out.print(line("  workaround: ", data(issue.workaround or "(none yet)", limit=None)))


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
