"""``hypercare triage evaluate|decide|retrain|sweep|ack|approve``.

Who decides, acknowledges or approves is the person acting (``--as NAME``, else ``tui.user``,
else the login name); the services decide whether they may.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypercare.commands.arguments import record_id

if TYPE_CHECKING:
    from rich.table import Table

    from hypercare.commands.context import CliContext
    from hypercare.services import Evaluation


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("triage", help="evaluate the classifier, record decisions, "
                                   "retrain", description="Triage: classification quality, "
                                   "leads' decisions, retraining.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    evaluate = actions.add_parser("evaluate", help="score the classifier on labeled rows")
    evaluate.add_argument("--input", type=Path, required=True, metavar="FILE",
                          help=".jsonl or .csv with a true category per row")
    evaluate.set_defaults(handler=run_evaluate)
    decide = actions.add_parser("decide", help="record a lead's category and/or severity",
                                description="Record a lead's category and/or severity "
                                "(leads only; act as someone with --as NAME).")
    decide.add_argument("ref", metavar="REF")
    decide.add_argument("--category", choices=("defect", "training_gap", "policy_ambiguity"))
    decide.add_argument("--severity", type=int, choices=(1, 2, 3, 4), help="1 = S1 ... 4 = S4")
    decide.add_argument("--note", default="", help="why, for the record")
    decide.set_defaults(handler=run_decide)
    retrain = actions.add_parser("retrain", help="refit on seeds + decisions, reclassify")
    retrain.set_defaults(handler=run_retrain)
    sweep = actions.add_parser(
        "sweep", help="evaluate SLA clocks and escalations once",
        description="Evaluate every open ticket's SLA clocks and escalate by the matrix. With "
        "--now it is a dry run: it prints what a sweep at that moment would escalate and "
        "send, and writes nothing.")
    sweep.add_argument("--now", metavar="ISO", help="a dry run as of this moment (ISO 8601 "
                       "with offset): nothing is written")
    sweep.add_argument("--format", choices=("table", "json"), default="table")
    sweep.set_defaults(handler=run_sweep)
    ack = actions.add_parser("ack", help="acknowledge an escalation",
                             description="Acknowledge an escalation (its recipient or a lead).")
    ack.add_argument("escalation_id", type=record_id, metavar="ID")
    ack.set_defaults(handler=run_ack)
    approve = actions.add_parser("approve", help="approve an L3/L4 escalation",
                                 description="Approve an L3/L4 escalation: its contacts are "
                                 "notified (leads only).")
    approve.add_argument("escalation_id", type=record_id, metavar="ID")
    approve.set_defaults(handler=run_approve)


def run_evaluate(ctx: CliContext) -> int:
    from hypercare.commands.ticket_input import read_rows
    from hypercare.services import TicketText

    rows = read_rows(ctx.args.input, need_category=True)
    result = ctx.services().triage.evaluate_texts(
        tickets=[TicketText(r.subject, r.description, r.app, r.priority) for r in rows],
        truth=[r.category or "" for r in rows])
    print_evaluation(result)
    return 0


def print_evaluation(result: Evaluation) -> None:
    from rich import box

    from hypercare.terminal import DataTable, console

    out = console()
    out.print(f"rows {result.rows}   coverage {result.coverage:.1%}   accuracy "
                  f"{result.accuracy:.1%} (top guess; {result.covered_accuracy:.1%} on covered)"
                  f"   macro-F1 {result.macro_f1:.3f}")
    per_class = DataTable(box=box.SIMPLE_HEAD, title="per class", title_justify="left")
    for column in ("category", "precision", "recall", "F1", "support"):
        per_class.add_column(column, justify="left" if column == "category" else "right")
    for score in result.per_class:
        per_class.add_row(score.category, f"{score.precision:.3f}", f"{score.recall:.3f}",
                          f"{score.f1:.3f}", str(score.support))
    out.print(per_class)
    out.print(confusion_table(result))


def confusion_table(result: Evaluation) -> Table:
    """The confusion matrix as a rich table (rows: true category, columns: guess)."""
    from rich import box

    from hypercare.terminal import DataTable, data

    names = [s.category for s in result.per_class]
    confusion = DataTable(box=box.SIMPLE_HEAD, title="confusion (rows: true, columns: guess)",
                      title_justify="left")
    confusion.add_column("")
    for name in names:
        confusion.add_column(data(name), justify="right")
    for name, row in zip(names, result.confusion, strict=True):
        confusion.add_row(name, *(str(v) for v in row))
    return confusion


def run_decide(ctx: CliContext) -> int:
    from hypercare.text import clean
    from hypercare.triage.labels import severity_label

    args = ctx.args
    view = ctx.services().triage.decide(ref=args.ref, viewer=ctx.viewer(),
                                        category=args.category, severity=args.severity,
                                        note=args.note)
    parts = [f"category {view.category}" if view.category else "",
             f"severity {severity_label(view.severity)}" if view.severity else ""]
    print(clean(f"{view.ref}: {' and '.join(p for p in parts if p)} decided by "
                f"{view.decided_by}"))
    return 0


def run_retrain(ctx: CliContext) -> int:
    report = ctx.services().triage.retrain()
    action = "refitted" if report.refitted else "unchanged data: reused the cached model"
    print(f"{report.seed_examples} seed examples + {report.decisions} decisions -> model "
          f"{report.data_hash} ({action}, {report.seconds:.1f} s); reclassified "
          f"{report.reclassified} tickets, {report.changed} changed category")
    return 0


def run_sweep(ctx: CliContext) -> int:
    from datetime import datetime

    from hypercare.commands.output import to_json
    from hypercare.errors import UsageError

    if ctx.args.now is None:
        report = ctx.services().sla.sweep()
        if ctx.args.format == "json":
            print(to_json(report, ctx.zone))
            return 0
        _print_sweep(report, "swept")
        return 0
    try:
        now = datetime.fromisoformat(ctx.args.now)
    except ValueError:
        raise UsageError(f"--now {ctx.args.now!r} is not an ISO 8601 time",
                         hint="Example: --now 2026-11-23T09:30:00+01:00") from None
    if now.tzinfo is None:
        raise UsageError("--now needs a timezone, e.g. 2026-11-23T09:00:00+01:00")
    dry = ctx.services().sla.rehearse(now=now)
    if ctx.args.format == "json":
        print(to_json({"now": dry.report.now, "escalations": dry.escalations,
                       "messages": dry.messages}, ctx.zone))
        return 0
    _print_sweep(dry.report, "dry run: a sweep would evaluate")
    from hypercare.terminal import console, data, line

    out = console()
    for e in dry.escalations:
        out.print(line("  would escalate ", data(e.ref), f" to L{e.level} ({e.trigger}): ",
                       data(e.title)))
    for m in dry.messages:
        out.print(line("  would send ", data(m.kind), " to ", data(", ".join(m.recipients)),
                       f" ({m.state})"))
    print("nothing was written")
    return 0


def _print_sweep(report: Any, verb: str) -> None:
    states = ", ".join(f"{k} {v}" for k, v in sorted(report.states.items())) or "none"
    print(f"{verb} {report.tickets} tickets at {report.now.isoformat()}: resolution clocks "
          f"{states}")
    new = ", ".join(f"{k} {v}" for k, v in sorted(report.new_escalations.items())) or "none"
    print(f"new escalations: {new}; waiting for approval: {report.pending_approval}")
    queued = ", ".join(f"{k} {v}" for k, v in sorted(report.messages.items())) or "none"
    print(f"messages queued: {queued}")


def run_ack(ctx: CliContext) -> int:
    from hypercare.text import clean

    viewer = ctx.viewer()
    ctx.services().sla.acknowledge(escalation_id=ctx.args.escalation_id, viewer=viewer)
    print(clean(f"escalation #{ctx.args.escalation_id} acknowledged by {viewer.name}"))
    return 0


def run_approve(ctx: CliContext) -> int:
    from hypercare.text import clean

    viewer = ctx.viewer()
    ctx.services().sla.approve(escalation_id=ctx.args.escalation_id, viewer=viewer)
    print(clean(f"escalation #{ctx.args.escalation_id} approved by {viewer.name}; its "
                "contacts are notified"))
    return 0
