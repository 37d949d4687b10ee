"""Subcommands planned but not built yet: each says so plainly and exits 2."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.cli import CliContext

#: name -> what it will do (shown in --help).
PLANNED: dict[str, str] = {
    "export": "write the weekly steering pack",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    existing = set(subparsers.choices)
    for name, summary in PLANNED.items():
        if name in existing:
            continue
        parser = subparsers.add_parser(
            name,
            help=f"{summary} (not built yet)",
            description=f"{summary}. Not built yet in this version of hypercare.",
        )
        parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        parser.set_defaults(handler=_not_built(name))


def _not_built(name: str) -> object:
    def handler(ctx: CliContext) -> int:
        from hypercare.errors import NotBuiltError

        raise NotBuiltError(f"`hypercare {name}` is not built yet in this version")

    return handler
