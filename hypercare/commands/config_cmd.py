"""``hypercare config show|check``."""

from __future__ import annotations

import argparse
import json
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
    top = [_line(key, value) for key, value in data.items() if not isinstance(value, dict)]
    sections = []
    for key, value in data.items():
        if isinstance(value, dict):
            body = "\n".join(_line(k, v) for k, v in value.items())
            sections.append(f"[{key}]\n{body}")
    return "\n".join(top) + "\n\n" + "\n\n".join(sections)


def _line(key: str, value: Any) -> str:
    return f"# {key} = (unset)" if value is None else f"{key} = {_value(value)}"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value))
