"""``hypercare standup agenda|start|record|question|backlog|undo|end|minutes``: run by a
lead (the person acting, ``--as NAME``)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from hypercare.commands.arguments import record_id

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.services import Agenda


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("standup", help="run the daily triage stand-up",
                                   description="The exceptions-first stand-up agenda, decisions "
                                   "per item, and the minutes.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    agenda = actions.add_parser("agenda", help="the agenda since the last stand-up")
    _scope(agenda)
    agenda.add_argument("--format", choices=("md", "json"), default="md")
    agenda.set_defaults(handler=run_agenda, reads_only=True)
    start = actions.add_parser("start", help="open a stand-up (prints its number)")
    _scope(start)
    start.add_argument("--attendee", action="append", default=[], metavar="NAME")
    start.set_defaults(handler=run_start)
    record = actions.add_parser("record", help="record a decision on an agenda item")
    record.add_argument("standup_id", type=record_id, metavar="STANDUP")
    record.add_argument("ref", metavar="REF", help="the ticket")
    record.add_argument("--category", choices=("defect", "training_gap", "policy_ambiguity"))
    record.add_argument("--severity", type=int, choices=(1, 2, 3, 4))
    record.add_argument("--owner")
    record.add_argument("--next-step", dest="next_step")
    record.add_argument("--due", type=date.fromisoformat, metavar="YYYY-MM-DD")
    record.add_argument("--known-issue", dest="known_issue", type=record_id, metavar="N")
    record.add_argument("--workaround")
    record.set_defaults(handler=run_record)
    question = actions.add_parser("question", help="raise a policy question from an item")
    question.add_argument("standup_id", type=record_id, metavar="STANDUP")
    question.add_argument("ref", metavar="REF", help="the ticket it comes from")
    question.add_argument("question", metavar="QUESTION")
    question.add_argument("--owner", required=True, help="the process owner who answers")
    question.add_argument("--due", type=date.fromisoformat, metavar="YYYY-MM-DD")
    question.set_defaults(handler=run_question)
    backlog = actions.add_parser("backlog", help="raise a backlog item (a fix) from an item")
    backlog.add_argument("standup_id", type=record_id, metavar="STANDUP")
    backlog.add_argument("ref", metavar="REF", help="the ticket it comes from")
    backlog.add_argument("title", metavar="TITLE")
    backlog.set_defaults(handler=run_backlog)
    undo = actions.add_parser("undo", help="take back your own newest decision in the "
                              "stand-up (within 5 minutes)")
    undo.add_argument("standup_id", type=record_id, metavar="STANDUP")
    undo.set_defaults(handler=run_undo)
    end = actions.add_parser("end", help="close the stand-up and print the minutes")
    end.add_argument("standup_id", type=record_id, metavar="STANDUP")
    end.set_defaults(handler=run_end)
    minutes = actions.add_parser("minutes", help="the minutes of a day's stand-ups")
    minutes.add_argument("--date", type=date.fromisoformat, metavar="YYYY-MM-DD")
    minutes.set_defaults(handler=run_minutes, reads_only=True)


def _scope(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--company", help="only this company's tickets")
    group.add_argument("--team", help="only this team's tickets (a workstream)")


def run_agenda(ctx: CliContext) -> int:
    from hypercare.commands.output import to_json

    agenda = ctx.services().standup.agenda(company=ctx.args.company, team=ctx.args.team)
    print(to_json(agenda, ctx.zone) if ctx.args.format == "json" else agenda_markdown(agenda))
    return 0


def agenda_markdown(agenda: Agenda) -> str:
    """The agenda as Markdown; outside text (titles, topics, scope) escaped as Markdown
    data (:func:`hypercare.export.markdown.escape`) and titles cut to one line."""
    from zoneinfo import ZoneInfo

    from hypercare.export.markdown import escape
    from hypercare.terminal import CELL_LIMIT
    from hypercare.text import clean, one_line

    def md(text: str, limit: int = CELL_LIMIT) -> str:
        return escape(one_line(text, limit))

    zone = ZoneInfo(agenda.timezone)
    carried = (f" in their time boxes, {agenda.carried_count} carried over"
               if agenda.carried_count else "")
    lines = [f"# Triage stand-up agenda - {agenda.now.astimezone(zone):%a %d %b %Y %H:%M} "
             f"({md(agenda.scope)})", "",
             f"Since {agenda.since.astimezone(zone):%a %d %b %H:%M}: {agenda.item_count} items"
             f"{carried}.",
             ""]
    for section in agenda.sections:
        lines.append(f"## {section.title} ({section.timebox_minutes} min)")
        if not section.items:
            lines.append("- none")
        for item in section.items:
            lines.append(f"- **{md(item.ref)}** {md(item.label)} - {md(item.why, 1000)}")
        if section.carried:
            lines.append(f"- not reached, carried over to the next stand-up: "
                         f"{len(section.carried)} more ("
                         f"{md(', '.join(i.ref for i in section.carried), 1000)})")
        lines.append("")
    lines.append("## Counts")
    for key, values in agenda.counts.items():
        shown = ", ".join(f"{k} {v}" for k, v in sorted(values.items())) or "none"
        lines.append(f"- {key}: {shown}")
    lines.extend(["", "## Training themes"])
    for theme in agenda.training_themes or ():
        lines.append(f"- {md(theme.app or 'General')}: {md(theme.topic)} ({theme.count}: "
                     f"{md(', '.join(theme.refs), 1000)})")
    if not agenda.training_themes:
        lines.append("- none")
    return clean("\n".join(lines))


def run_start(ctx: CliContext) -> int:
    standup_id = ctx.services().standup.start(viewer=ctx.viewer(), company=ctx.args.company,
                                              team=ctx.args.team,
                                              attendees=tuple(ctx.args.attendee))
    print(standup_id)
    return 0


def run_record(ctx: CliContext) -> int:
    args = ctx.args
    ctx.services().standup.record(
        standup_id=args.standup_id, item_ref=args.ref, viewer=ctx.viewer(),
        category=args.category, severity=args.severity, owner=args.owner,
        next_step=args.next_step, due=args.due, known_issue_id=args.known_issue,
        workaround=args.workaround)
    print(f"recorded on {args.ref}")
    return 0


def run_question(ctx: CliContext) -> int:
    args = ctx.args
    ref = ctx.services().standup.raise_question(
        standup_id=args.standup_id, item_ref=args.ref, viewer=ctx.viewer(),
        question=args.question, owner=args.owner, due=args.due)
    print(f"{ref} raised from {args.ref}")
    return 0


def run_backlog(ctx: CliContext) -> int:
    args = ctx.args
    ref = ctx.services().standup.raise_backlog_item(
        standup_id=args.standup_id, item_ref=args.ref, viewer=ctx.viewer(), title=args.title)
    print(f"{ref} raised from {args.ref}")
    return 0


def run_undo(ctx: CliContext) -> int:
    ref = ctx.services().standup.undo_last(standup_id=ctx.args.standup_id, viewer=ctx.viewer())
    print(f"took back your newest decision, on {ref}")
    return 0


def run_end(ctx: CliContext) -> int:
    from hypercare.text import clean

    view = ctx.services().standup.end(standup_id=ctx.args.standup_id, viewer=ctx.viewer())
    print(clean(view.minutes))
    return 0


def run_minutes(ctx: CliContext) -> int:
    from hypercare.errors import HypercareError
    from hypercare.text import clean

    views = ctx.services().standup.minutes(day=ctx.args.date)
    held = [v for v in views if v.minutes]
    if not held:
        raise HypercareError("no stand-up minutes for that day",
                             hint="End a stand-up with `hypercare standup end N`.")
    print(clean("\n\n---\n\n".join(v.minutes for v in held)))
    return 0
