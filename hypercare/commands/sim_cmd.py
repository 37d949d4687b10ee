"""``hypercare sim``: the Odoo simulator, standalone."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from hypercare.commands.arguments import PORT, decimal, integer

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sim", help="run the Odoo simulator standalone",
        description="An Odoo-compatible server (JSON-RPC, and JSON-2 on 19.0) with a seeded "
        "go-live scenario, for trying hypercare or its integrations without a real Odoo.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=PORT, default=8069)
    parser.add_argument("--flavor", choices=("enterprise", "oca"), default="enterprise",
                        help="Enterprise helpdesk or OCA helpdesk_mgmt")
    parser.add_argument("--version", dest="odoo_version", choices=("17.0", "18.0", "19.0"),
                        default="19.0", help="simulated Odoo version")
    parser.add_argument("--seed", type=integer(0, 2**32 - 1), default=7)
    parser.add_argument("--tickets", type=integer(0, 200_000), default=400,
                        help="tickets in the history")
    parser.add_argument("--days", type=integer(1, 365), default=10, help="days since go-live")
    parser.add_argument("--rate", type=decimal(0, 100_000), default=1.0,
                        help="how many times faster than real time the go-live goes on "
                        "(0 = frozen, 1 = real time, 60 = an hour a minute)")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    from hypercare.odoo.sim import SimulatorConfig, run_forever

    args = ctx.args
    config = SimulatorConfig(flavor=args.flavor, version=args.odoo_version, seed=args.seed,
                             tickets=args.tickets, days=args.days, rate=args.rate)
    run_forever(config, host=args.host, port=args.port)
    return 0
