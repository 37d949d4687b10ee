"""``hypercare classify --input FILE``: classify tickets from a file (no Odoo needed)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "classify", help="classify tickets from a file: defect, training gap or policy ambiguity",
        description="Reads .jsonl or .csv rows (id, subject or title, description, optional "
        "app and priority 0-3) and writes one verdict per row, in order.")
    parser.add_argument("--input", type=Path, required=True, metavar="FILE")
    parser.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    from hypercare.commands.ticket_input import read_rows
    from hypercare.services import TicketText

    rows = read_rows(ctx.args.input)
    verdicts = ctx.services().triage.classify_texts(
        tickets=[TicketText(r.subject, r.description, r.app, r.priority) for r in rows])
    if ctx.args.format == "jsonl":
        from hypercare.commands.output import safe_json

        lines = []
        for row, verdict in zip(rows, verdicts, strict=True):
            lines.append(safe_json(json.dumps({
                "id": row.id, "category": verdict.category, "guess": verdict.guess,
                "confidence": verdict.confidence, "explanation": list(verdict.explanation),
                "severity": verdict.severity.label, "app": verdict.app,
                "change_request": verdict.change_request, "confidential": verdict.confidential,
            }, ensure_ascii=False)))
        print("\n".join(lines))
        return 0
    from rich import box

    from hypercare.terminal import DataTable, console

    table = DataTable(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("id", no_wrap=True, max_width=10)
    table.add_column("category", no_wrap=True, max_width=30)
    table.add_column("conf", no_wrap=True, justify="right")
    table.add_column("sev", no_wrap=True)
    table.add_column("app", no_wrap=True, max_width=12, overflow="ellipsis")
    table.add_column("flags", no_wrap=True)
    table.add_column("why", ratio=1, min_width=20, overflow="fold")
    for row, verdict in zip(rows, verdicts, strict=True):
        flags = " ".join(f for f, on in (("CR", verdict.change_request),
                                         ("conf", verdict.confidential)) if on)
        shown = verdict.category if verdict.category == verdict.guess else \
            f"{verdict.category} ({verdict.guess}?)"
        table.add_row(row.id, shown, f"{verdict.confidence:.2f}", verdict.severity.label,
                      verdict.app, flags, "; ".join(verdict.explanation[:2]))
    console().print(table)
    return 0
