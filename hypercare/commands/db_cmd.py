"""``hypercare db upgrade|status``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db", help="manage the store's schema", description="Create or migrate the store's schema."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade", help="migrate the store to this version's schema (safe to run concurrently)"
    )
    upgrade.set_defaults(handler=run_upgrade)


def run_upgrade(ctx: CliContext) -> int:
    result = ctx.services(check_schema=False).system.upgrade_db()
    if result.changed:
        print(f"upgraded {result.database} from {result.before or 'empty'} to {result.after}")
    else:
        print(f"{result.database} is already at {result.after}; nothing to do")
    return 0
