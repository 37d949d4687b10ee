"""``hypercare bot``: the Slack bot, in Socket Mode or (``--http``) HTTP mode."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING

from hypercare.commands.arguments import PORT

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.services import Services

ODOO_PROBE_SECONDS = 3.0
"""How long start-up waits to learn whether Odoo answers (it starts either way)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bot", help="run the Slack bot (Socket Mode; --http for HTTP mode)",
        description="Runs the Slack bot until Ctrl-C. Socket Mode (default) needs the bot "
        "token and the app-level token (HYPERCARE_SLACK__BOT_TOKEN / SLACK_BOT_TOKEN and "
        "HYPERCARE_SLACK__APP_TOKEN / SLACK_APP_TOKEN); HTTP mode needs the bot token and the "
        "signing secret (HYPERCARE_SLACK__SIGNING_SECRET / SLACK_SIGNING_SECRET) and serves "
        "Slack's requests at /slack/events. The bot starts even when Odoo is down, and says "
        "so. See runbooks/slack-setup.md.")
    parser.add_argument("--http", action="store_true",
                        help="HTTP mode: Slack posts to http://HOST:PORT/slack/events")
    parser.add_argument("--port", type=PORT, default=None, metavar="N",
                        help="HTTP mode port (default 3000)")
    parser.add_argument("--host", default=None, metavar="ADDR",
                        help="HTTP mode address to listen on (default 127.0.0.1; 0.0.0.0 for "
                        "every interface, e.g. behind a reverse proxy)")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    from hypercare.errors import UsageError

    args = ctx.args
    if not args.http and (args.port is not None or args.host is not None):
        raise UsageError("--port and --host are for HTTP mode",
                         hint="Add --http, or leave them out for Socket Mode.")
    port = 3000 if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a TCP port", hint="Use 1-65535 (0: any free).")
    from hypercare.bot.launch import run_bot

    services = ctx.services()
    try:
        services.context.store()  # a wrong URL or an old schema fails here, before Slack
        warning = odoo_warning(services)
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
        run_bot(services, http=args.http, host=args.host or "127.0.0.1", port=port)
    finally:
        services.close()
    return 0


def odoo_warning(services: Services, timeout: float = ODOO_PROBE_SECONDS) -> str | None:
    """None when Odoo answers a login within ``timeout`` seconds, else what is wrong.

    The login runs in a daemon thread, so a black-holed Odoo never delays the start by
    more than ``timeout``.
    """
    from hypercare.errors import HypercareError

    connect = services.context.connect_odoo
    later = "the bot starts anyway and answers from the local store"
    if connect is None:
        return f"no Odoo is configured (odoo.url unset): {later}"
    from hypercare.errors import mask_credentials

    url = mask_credentials(services.context.settings.odoo.url or "")
    outcome: dict[str, BaseException] = {}

    def probe() -> None:
        try:
            connect().close()
        except BaseException as exc:  # reported below, whatever it is
            outcome["error"] = exc

    thread = threading.Thread(target=probe, name="odoo-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return f"Odoo at {url} did not answer within {timeout:g} s: {later}"
    error = outcome.get("error")
    if error is None:
        return None
    reason = error.message if isinstance(error, HypercareError) else type(error).__name__
    return f"Odoo at {url} is unavailable ({reason}): {later}"
