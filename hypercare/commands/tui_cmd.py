"""``hypercare tui``: the command-center dashboard on the configured store and Odoo."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "tui", help="open the command-center dashboard (queue, ticket detail, dashboard)",
        description="Opens the terminal dashboard on the configured store. It re-reads the store "
        "every tui.refresh_seconds and, per tui.sync, runs the sync, the SLA sweep and the Odoo "
        "write-back while no `hypercare serve` runs (a serve takes them over). ? shows every "
        "key; ctrl+q quits.")
    parser.add_argument("--no-sync", action="store_true",
                        help="never sync from this screen (read the store only)")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    from hypercare.tui.launch import run_tui

    services = ctx.services()
    settings = services.context.settings
    syncing = (not ctx.args.no_sync and settings.tui.sync != "off"
               and services.context.connect_odoo is not None)
    try:
        services.context.store()  # a wrong URL or an old schema fails here, before the screen
        run_tui(services, jobs="tui" if syncing else None)
    finally:
        services.close()
    return 0
