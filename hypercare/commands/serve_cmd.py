"""``hypercare serve``: the scheduler and (when Slack is configured) the bot, in one process.

Wiring only: the jobs (:mod:`hypercare.jobs`) call services; what they need from the bot (its
deliverer, its follow-ups) is handed to them here. One process per store owns the scheduler
(:mod:`hypercare.jobs.host`: it takes every job's lease, from a bot or TUI that held it);
another ``serve`` runs the bot only and takes over when the first dies. SIGTERM or Ctrl-C:
the running jobs finish, the outbox is flushed once, the leases are released.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypercare.commands.arguments import PORT

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.jobs.host import JobHost
    from hypercare.jobs.registry import Injected
    from hypercare.services import Services

log = logging.getLogger("hypercare.serve")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the scheduler (and the Slack bot) as one long-running process",
        description="Runs the named jobs on their schedules and, when Slack is configured, "
        "the bot, until SIGTERM or Ctrl-C. One serve per store runs the jobs; another one "
        "runs the bot only and takes over if the first dies. See runbooks/operating-serve.md.")
    parser.add_argument("--health-port", type=PORT, default=None, metavar="N",
                        help="answer GET /healthz on this port (JSON: owner, last sync, "
                        "outbox depth, job states)")
    parser.add_argument("--health-host", default="127.0.0.1", metavar="ADDR",
                        help="address of the health endpoint (default 127.0.0.1)")
    parser.add_argument("--no-bot", action="store_true",
                        help="run the scheduler only, even when Slack is configured")
    parser.add_argument("--http", action="store_true",
                        help="run the bot in HTTP mode (default: Socket Mode)")
    parser.add_argument("--port", type=PORT, default=3000, metavar="N",
                        help="the bot's HTTP mode port (default 3000)")
    parser.add_argument("--host", default="127.0.0.1", metavar="ADDR",
                        help="the bot's HTTP mode address (default 127.0.0.1)")
    parser.set_defaults(handler=run)


def _say(line: str) -> None:
    """One line on stdout, whole: the jobs' thread and the main thread both speak."""
    sys.stdout.write(f"hypercare serve: {line}\n")
    sys.stdout.flush()


def run(ctx: CliContext) -> int:
    services = ctx.services()
    try:
        services.context.store()  # a wrong URL or an old schema fails here
        Serve(services, ctx.args).run()
    finally:
        services.close()
    return 0


class Serve:
    """One serve process: bot, job host (leases and runner), health endpoint."""

    def __init__(self, services: Services, args: Any,
                 say: Callable[[str], None] = _say) -> None:
        from hypercare.services.system.scheduling import process_name

        self.services, self.args, self.say = services, args, say
        self.process = process_name()
        self.stop = threading.Event()
        self.injected: Injected | None = None
        self.host: JobHost | None = None

    def run(self) -> None:
        from hypercare.bot.launch import wait_for_stop
        from hypercare.jobs.host import JobHost

        bot = self._start_bot()
        self.host = JobHost(self.services, command="serve", injected=self.injected,
                            on_take=self._took, say=self.say,
                            waiting_role="runs the bot only" if bot else "waits").start()
        health = self._start_health(self.host)
        try:
            wait_for_stop(self.stop)
        finally:
            self.stop.set()
            self._stop_jobs(self.host)
            if health is not None:
                health.stop()
            if bot is not None:
                bot.stop()
            self.say("stopped")

    # -- pieces ------------------------------------------------------------------------------

    def _start_bot(self) -> Any:
        from hypercare.commands.pack_job import weekly_pack_writer
        from hypercare.jobs.registry import Injected

        slack = self.services.context.settings.slack
        if self.args.no_bot or not slack.configured:
            why = "--no-bot" if self.args.no_bot else "Slack is not configured"
            self.say(f"{why}: running the jobs only (messages wait in the outbox)")
            self.injected = Injected(weekly_pack=weekly_pack_writer(self.services))
            return None
        from hypercare.bot.delivery import SlackDeliverer
        from hypercare.bot.launch import FollowUps, start_bot

        bot = start_bot(self.services, http=self.args.http, host=self.args.host,
                        port=self.args.port)
        followups = FollowUps(bot.app, self.services)
        self.injected = Injected(
            deliverer=SlackDeliverer(bot.app.client, slack, clock=self.services.context.clock),
            followups=followups.run_once, weekly_pack=weekly_pack_writer(self.services))
        self.say(f"bot {bot.where}")
        return bot

    def _start_health(self, host: JobHost) -> Any:
        if self.args.health_port is None:
            return None
        from hypercare.commands.serve_health import HealthServer, health

        server = HealthServer(lambda: health(self.services, owner=host.leases.serving,
                                             process=self.process),
                              host=self.args.health_host, port=self.args.health_port).start()
        self.say(f"health at {server.url}")
        return server

    def _took(self, name: str) -> None:
        """A job's lease came to this process: recover the outbox before delivering."""
        deliverer = self.injected.deliverer if self.injected is not None else None
        if name == "outbox_deliver" and deliverer is not None:
            report = self.services.delivery.deliver(deliverer, recover=True)
            if report.recovered or report.sent:
                self.say(f"outbox at start: {report.recovered} found already sent, "
                         f"{report.sent} sent")

    def _stop_jobs(self, host: JobHost) -> None:
        """The running jobs finish, the outbox is flushed once, the leases go."""
        delivering = "outbox_deliver" in host.leases.held
        host.runner.shutdown(wait=True)
        deliverer = self.injected.deliverer if self.injected is not None else None
        if delivering and deliverer is not None:
            try:
                report = self.services.delivery.deliver(deliverer)
                self.say(f"outbox flushed: {report.delivered} delivered, "
                         f"{report.retrying} waiting")
            except Exception as exc:
                log.warning("outbox flush at stop: %s", type(exc).__name__)
        host.stop(wait=True)
