"""``hypercare config show|check``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext

MARKS = {
    "ok": ("ok", "green"),
    "warn": ("warn", "yellow"),
    "fail": ("FAIL", "red"),
    "info": ("--", "dim"),
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "config",
        help="show or check the settings",
        description="Show the effective settings or probe connections.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the effective settings (secrets masked)")
    show.add_argument("--format", choices=("toml", "json"), default="toml")
    show.set_defaults(handler=run_show)
    check = actions.add_parser(
        "check", help="probe the store, Odoo and Slack settings and print what was found"
    )
    check.set_defaults(handler=run_check)


def run_show(ctx: CliContext) -> int:
    data = ctx.services(check_schema=False).system.show_config()
    if ctx.args.format == "json":
        print(json.dumps(data, indent=2, default=str))
    else:
        print(_as_toml(data))
    return 0


def run_check(ctx: CliContext) -> int:
    from hypercare.terminal import console, data, line

    report = ctx.services(check_schema=False).system.check_config()
    out = console()
    for found in report.lines:
        mark, style = MARKS[found.status]
        out.print(line((f"{mark:>4}", style), "  ", data(found.label, "bold", limit=None), ": ",
                       data(found.detail, limit=None)))
        if found.hint and found.status != "ok":
            out.print(line("      ", data(f"hint: {found.hint}", "dim", limit=None)))
    return 0 if report.ok else 1


def _as_toml(data: dict[str, Any]) -> str:
    """The settings as a TOML file that loads back to the same settings: secrets omitted
    (they come from the environment or a ``*_file``), unset values left out, lists as TOML
    lists and arrays of tables."""
    import tomli_w

    from hypercare.config import SECRET_FIELDS

    kept = {key: dict(value) if isinstance(value, dict) else value
            for key, value in data.items()}
    for section, name in SECRET_FIELDS:
        if isinstance(kept.get(section), dict):
            kept[section].pop(name, None)
    top = {k: v for k, v in kept.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in kept.items() if isinstance(v, dict)}
    return tomli_w.dumps(_plain({**top, **tables}))


def _plain(value: Any) -> Any:
    """``value`` with None left out and paths, tuples and sets as TOML can write them."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_plain(v) for v in items if v is not None]
    if isinstance(value, Path):
        return str(value)
    return value
