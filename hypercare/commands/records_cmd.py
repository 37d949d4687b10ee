"""``hypercare known ...`` and ``hypercare decisions ...``.

Changes are made as the person acting (``--as NAME``); the services decide whether they may
(known issues: leads; linking a ticket: super-users; a policy decision: its process owner or
a lead).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    known = subparsers.add_parser("known", help="known issues: one problem behind many tickets",
                                  description="Known issues and their workarounds.")
    actions = known.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="open known issues (--all: closed too)")
    listing.add_argument("--all", action="store_true")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=run_known_list, reads_only=True)
    show = actions.add_parser("show", help="one known issue with its tickets")
    show.add_argument("id", type=_known_id, metavar="KI-N")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(handler=run_known_show, reads_only=True)
    create = actions.add_parser("create", help="record a known issue")
    create.add_argument("title")
    create.add_argument("--category", default="defect",
                        choices=("defect", "training_gap", "policy_ambiguity"))
    create.add_argument("--severity", type=int, default=3, choices=(1, 2, 3, 4))
    create.add_argument("--owner", default="")
    create.add_argument("--app", default="")
    create.add_argument("--ticket", action="append", default=[], metavar="REF",
                        help="link a ticket (repeatable)")
    create.set_defaults(handler=run_known_create)
    link = actions.add_parser("link", help="link a ticket to a known issue")
    link.add_argument("id", type=_known_id, metavar="KI-N")
    link.add_argument("ref", metavar="REF")
    link.set_defaults(handler=run_known_link)
    status = actions.add_parser("status", help="change the status (broadcast to reporters)")
    status.add_argument("id", type=_known_id, metavar="KI-N")
    status.add_argument("status", choices=("investigating", "workaround_available",
                                           "fix_in_test", "fix_released", "closed"))
    status.set_defaults(handler=run_known_status)
    workaround = actions.add_parser("workaround", help="publish the workaround (broadcast)")
    workaround.add_argument("id", type=_known_id, metavar="KI-N")
    workaround.add_argument("text")
    workaround.add_argument("--review", type=date.fromisoformat, metavar="YYYY-MM-DD")
    workaround.set_defaults(handler=run_known_workaround)

    decisions = subparsers.add_parser("decisions", help="policy decisions for process owners",
                                      description="Policy questions and their outcomes.")
    d_actions = decisions.add_subparsers(dest="action", metavar="ACTION", required=True)
    d_list = d_actions.add_parser("list", help="decisions (--open: undecided only)")
    d_list.add_argument("--open", action="store_true")
    d_list.add_argument("--format", choices=("table", "json"), default="table")
    d_list.set_defaults(handler=run_decisions_list, reads_only=True)
    d_show = d_actions.add_parser("show", help="one decision")
    d_show.add_argument("id", type=_decision_id, metavar="D-N")
    d_show.add_argument("--format", choices=("text", "json"), default="text")
    d_show.set_defaults(handler=run_decisions_show, reads_only=True)
    d_decide = d_actions.add_parser("decide", help="record a decision's outcome (its process "
                                    "owner or a lead)")
    d_decide.add_argument("id", type=_decision_id, metavar="D-N")
    d_decide.add_argument("outcome", help="what was decided")
    d_decide.add_argument("--backlog", action="store_true",
                          help="also add the configuration task to the backlog")
    d_decide.set_defaults(handler=run_decisions_decide)


def _known_id(text: str) -> int:
    return _number(text, "KI-")


def _decision_id(text: str) -> int:
    return _number(text, "D-")


def _number(text: str, prefix: str) -> int:
    from hypercare.numbers import parse_id

    number = parse_id(text.upper().removeprefix(prefix))
    if number is None:
        raise argparse.ArgumentTypeError(f"expected {prefix}N or N, not {text[:40]!r}")
    return number


def run_known_list(ctx: CliContext) -> int:
    from hypercare.commands.output import print_table, to_json
    from hypercare.triage.labels import severity_label

    issues = ctx.services().known_issues.list_issues(include_closed=ctx.args.all)
    if ctx.args.format == "json":
        print(to_json(issues, ctx.zone))
        return 0
    print_table(f"{len(issues)} known issues",
                ("ref", "title", "status", "sev", "tickets", "owner", "workaround"),
                [(i.ref, i.title, i.status, severity_label(i.severity, "--"), str(i.linked),
                  i.owner, i.workaround or "-") for i in issues], wide=("title", "workaround"))
    return 0


def run_known_show(ctx: CliContext) -> int:
    from hypercare.commands.output import local, to_json
    from hypercare.terminal import console, data, line
    from hypercare.triage.labels import severity_label

    issue = ctx.services().known_issues.show(known_issue_id=ctx.args.id)
    if ctx.args.format == "json":
        print(to_json(issue, ctx.zone))
        return 0
    out = console()
    out.print(line(data(issue.ref, "bold"), " ", data(issue.title, limit=None)))
    out.print(line(data(issue.category), f" - {severity_label(issue.severity, '--')} - ",
                   data(issue.status),
                   " - owner ", data(issue.owner or "-"), " - app ", data(issue.app or "-")))
    out.print(line("workaround: ", data(issue.workaround or "(none yet)", limit=None,
                                        multiline=True),
                   f" (review {issue.workaround_review_date})"
                   if issue.workaround_review_date else "",
                   f", published {local(issue.workaround_at, ctx.zone)}"
                   if issue.workaround_at else ""))
    out.print(line(f"{issue.linked} tickets (", data(", ".join(issue.companies) or "-",
                                                      limit=None),
                   "): ", data(", ".join(issue.ticket_refs) or "-", limit=None)))
    return 0


def run_known_create(ctx: CliContext) -> int:
    args = ctx.args
    issue = ctx.services().known_issues.create(
        title=args.title, viewer=ctx.viewer(), category=args.category, severity=args.severity,
        owner=args.owner, app=args.app, ticket_refs=tuple(args.ticket))
    print(f"{issue.ref} created with {issue.linked} tickets")
    return 0


def run_known_link(ctx: CliContext) -> int:
    ctx.services().known_issues.link(known_issue_id=ctx.args.id, ref=ctx.args.ref,
                                     viewer=ctx.viewer())
    print(f"{ctx.args.ref} linked to KI-{ctx.args.id}")
    return 0


def run_known_status(ctx: CliContext) -> int:
    ctx.services().known_issues.set_status(known_issue_id=ctx.args.id, status=ctx.args.status,
                                           viewer=ctx.viewer())
    print(f"KI-{ctx.args.id} is now {ctx.args.status}; reporters will be told")
    return 0


def run_known_workaround(ctx: CliContext) -> int:
    ctx.services().known_issues.set_workaround(known_issue_id=ctx.args.id, text=ctx.args.text,
                                               viewer=ctx.viewer(),
                                               review_date=ctx.args.review)
    print(f"workaround published on KI-{ctx.args.id}; reporters will be told")
    return 0


def run_decisions_list(ctx: CliContext) -> int:
    from hypercare.commands.output import print_table, to_json

    rows = ctx.services().decisions.list_decisions(status="open" if ctx.args.open else None)
    if ctx.args.format == "json":
        print(to_json(rows, ctx.zone))
        return 0
    print_table(f"{len(rows)} decisions",
                ("ref", "question", "owner", "due", "status", "outcome"),
                [(r.ref, r.question, r.process_owner, str(r.due_date or "-"), r.status,
                  r.outcome or "-") for r in rows], wide=("question", "outcome"))
    return 0


def run_decisions_decide(ctx: CliContext) -> int:
    from hypercare.terminal import console, data, line

    row = ctx.services().decisions.decide(decision_id=ctx.args.id, outcome=ctx.args.outcome,
                                          viewer=ctx.viewer(), spawn_backlog=ctx.args.backlog)
    console().print(line(data(row.ref, "bold"), " decided by ", data(row.decided_by), ": ",
                         data(row.outcome, limit=None)))
    if ctx.args.backlog:
        print("the configuration task is in the backlog (`hypercare backlog list`)")
    return 0


def run_decisions_show(ctx: CliContext) -> int:
    from hypercare.commands.output import to_json
    from hypercare.terminal import console, data, line

    row = ctx.services().decisions.show(decision_id=ctx.args.id)
    if ctx.args.format == "json":
        print(to_json(row, ctx.zone))
        return 0
    out = console()
    out.print(line(data(row.ref, "bold"), " ", data(row.question, limit=None)))
    out.print(line("owner ", data(row.process_owner or "-"), f" - due {row.due_date or '-'} - ",
                   data(row.status)))
    for option in row.options:
        out.print(line("  option: ", data(option.get("option", ""), limit=None),
                       " (impact: ", data(option.get("impact", ""), limit=None), ")"))
    if row.outcome:
        out.print(line("outcome: ", data(row.outcome, limit=None), " (by ",
                       data(row.decided_by), ")"))
    out.print(line("linked: ", data(", ".join(row.links) or "-", limit=None)))
    return 0
