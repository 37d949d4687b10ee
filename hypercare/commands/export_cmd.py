"""``hypercare export weekly|handover``: write the steering pack or the handover pack."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from hypercare.export import FORMATS

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.services.packs.model import Pack



def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export", help="write the weekly steering pack or the handover pack",
        description="Write a pack as Markdown (wiki), HTML (one self-contained file, prints "
        "on A4), XLSX and CSV files into a directory; prints the written paths.")
    kinds = parser.add_subparsers(dest="kind", metavar="PACK", required=True)
    weekly = kinds.add_parser("weekly", help="the weekly steering-committee pack",
                              description="The weekly steering-committee pack: headline KPIs, "
                              "decisions, known issues, backlog, training and defects.")
    weekly.add_argument("--week", metavar="YYYY-Www",
                        help="ISO week, e.g. 2026-W48 (default: the last complete week)")
    handover = kinds.add_parser("handover", help="the handover pack for exiting hypercare",
                                description="The handover pack: open tickets, known issues, "
                                "decisions, backlog, runbooks, exit evidence and contacts.")
    for sub in (weekly, handover):
        sub.add_argument("--out", type=Path, required=True, metavar="DIR",
                         help="directory to write into (created when missing)")
        sub.add_argument("--format", default=",".join(FORMATS), metavar="LIST",
                         help=f"comma-separated formats among {', '.join(FORMATS)} "
                         "(default: all)")
        sub.set_defaults(handler=run_export, reads_only=True)


def parse_formats(text: str) -> tuple[str, ...]:
    """``md,html`` -> ``("md", "html")``; a UsageError naming the allowed values."""
    from hypercare.errors import UsageError

    chosen = tuple(dict.fromkeys(p.strip().lower() for p in text.split(",") if p.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        what = ", ".join(repr(f) for f in unknown) if unknown else "no format"
        raise UsageError(f"--format: {what} is not a pack format; allowed: "
                         f"{', '.join(FORMATS)}",
                         hint="Example: --format md,html (default: all four).")
    return chosen


def parse_week(text: str | None) -> str | None:
    """An ISO week ``2026-W48``, as the packs read it (week 53 only in years that have it)."""
    from hypercare.errors import UsageError
    from hypercare.kpi.registry import parse_week as week_days

    if text is None:
        return None
    try:
        monday, _ = week_days(text)
    except UsageError as exc:
        raise UsageError(f"--week: {exc.message}", hint=exc.hint) from None
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"


def check_out(out: Path) -> Path:
    """Create ``out`` and check it is a writable directory, before building the pack."""
    import os
    import tempfile

    from hypercare.errors import UsageError
    from hypercare.files import private_dir

    hint = "Pass --out a directory you can write to (it is created when missing)."
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {out} is not a directory", hint=hint)
    try:
        private_dir(out)
        handle, probe = tempfile.mkstemp(prefix=".hypercare-probe-", dir=out)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"--out: cannot write to {out}: {exc.strerror or exc}",
                         hint=hint) from exc
    return out


def run_export(ctx: CliContext) -> int:
    from hypercare.errors import HypercareError
    from hypercare.export import write_pack

    formats = parse_formats(ctx.args.format)
    week = parse_week(getattr(ctx.args, "week", None))
    out = check_out(ctx.args.out)
    packs = ctx.services().packs
    pack: Pack = packs.weekly(week=week) if ctx.args.kind == "weekly" else packs.handover()
    try:
        paths = write_pack(pack, out, formats)
    except OSError as exc:
        raise HypercareError(f"could not write the {pack.kind} pack into {out}: {exc}",
                             hint="Check the free space and permissions of --out.") from exc
    for path in paths:
        print(path)
    return 0
