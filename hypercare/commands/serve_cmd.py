"""``hypercare serve``: the scheduler and (when Slack is configured) the bot, in one process.

Wiring only: the jobs (:mod:`hypercare.jobs`) call services; what they need from the bot (its
deliverer, its follow-ups) is handed to them here. One process per store owns the scheduler
(the lease); another ``serve`` runs the bot only and takes over when the owner dies. SIGTERM
or Ctrl-C: the running jobs finish, the outbox is flushed once, the lease is released.
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypercare.commands.arguments import PORT

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.jobs.registry import Injected
    from hypercare.jobs.runner import JobRunner
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
    print(f"hypercare serve: {line}", flush=True)


def run(ctx: CliContext) -> int:
    services = ctx.services()
    try:
        services.context.store()  # a wrong URL or an old schema fails here
        Serve(services, ctx.args).run()
    finally:
        services.close()
    return 0


class Serve:
    """One serve process: bot, lease loop, jobs, health endpoint."""

    def __init__(self, services: Services, args: Any,
                 say: Callable[[str], None] = _say) -> None:
        from hypercare.services.system.scheduling import process_name

        self.services, self.args, self.say = services, args, say
        self.process = process_name()
        self.stop = threading.Event()
        self.runner: JobRunner | None = None
        self.injected: Injected | None = None

    def run(self) -> None:
        from hypercare.bot.launch import wait_for_stop

        bot = self._start_bot()
        lease = self.services.scheduler_lease(self.process)
        health = self._start_health(lease)
        loop = threading.Thread(target=self._lease_loop, args=(lease, bot is not None),
                                name="scheduler-lease", daemon=True)
        loop.start()
        try:
            wait_for_stop(self.stop)
        finally:
            self.stop.set()
            loop.join(timeout=60)
            self._stop_jobs(lease, flush=True)
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
            self.say(f"{why}: running the scheduler only (messages wait in the outbox)")
            self.injected = Injected(weekly_pack=weekly_pack_writer(self.services))
            return None
        from hypercare.bot.delivery import SlackDeliverer
        from hypercare.bot.launch import FollowUps, start_bot

        bot = start_bot(self.services, http=self.args.http, host=self.args.host,
                        port=self.args.port, loops=False)
        followups = FollowUps(bot.app, self.services, sync=False)
        self.injected = Injected(
            deliverer=SlackDeliverer(bot.app.client, slack, clock=self.services.context.clock),
            followups=followups.run_once, weekly_pack=weekly_pack_writer(self.services))
        self.say(f"bot {bot.where}")
        return bot

    def _start_health(self, lease: Any) -> Any:
        if self.args.health_port is None:
            return None
        from hypercare.commands.serve_health import HealthServer, health

        server = HealthServer(lambda: health(self.services, owner=lease.held,
                                             process=self.process),
                              host=self.args.health_host, port=self.args.health_port).start()
        self.say(f"health at {server.url}")
        return server

    def _lease_loop(self, lease: Any, with_bot: bool) -> None:
        every = self.services.context.settings.jobs.lease_seconds
        told_waiting = False
        while not self.stop.is_set():
            try:
                if lease.held and not lease.renew():
                    self.say("lost the scheduler lock (store connection lost): jobs stopped")
                    self._stop_jobs(lease, flush=False)
                elif not lease.held and lease.acquire():
                    self._start_jobs()
                    told_waiting = False
                elif not lease.held and not told_waiting:
                    other = self.services.system.scheduler_owner() or "another process"
                    role = "runs the bot only" if with_bot else "waits"
                    self.say(f"the scheduler is run by {other}; this process {role} and takes "
                             "over if it stops")
                    told_waiting = True
            except Exception as exc:  # the store is down: try again next time
                log.warning("scheduler lease: %s", type(exc).__name__)
                if lease.held and self.runner is None:  # took the lock but could not start:
                    self._release(lease)  # let go, so this one or another starts afresh
            self.stop.wait(every)

    def _start_jobs(self) -> None:
        from hypercare.jobs.registry import build_jobs
        from hypercare.jobs.runner import JobRunner

        specs = build_jobs(self.services, self.injected)
        runner = JobRunner(self.services, specs, owner=self.process)
        if self.injected is not None and self.injected.deliverer is not None:
            report = self.services.delivery.deliver(self.injected.deliverer, recover=True)
            if report.recovered or report.sent:
                self.say(f"outbox at start: {report.recovered} found already sent, "
                         f"{report.sent} sent")
        runner.start()
        self.runner = runner  # only a started runner: a failed start is retried
        self.say(f"this process runs the scheduler ({len(specs)} jobs: "
                 f"{', '.join(s.name for s in specs)})")

    def _stop_jobs(self, lease: Any, *, flush: bool) -> None:
        runner, self.runner = self.runner, None
        if runner is not None:
            runner.shutdown(wait=flush)  # the running jobs finish
        if runner is not None and flush and self.injected is not None \
                and self.injected.deliverer is not None:
            try:
                report = self.services.delivery.deliver(self.injected.deliverer)
                self.say(f"outbox flushed: {report.delivered} delivered, "
                         f"{report.retrying} waiting")
            except Exception as exc:
                log.warning("outbox flush at stop: %s", type(exc).__name__)
        self._release(lease)

    @staticmethod
    def _release(lease: Any) -> None:
        """Give the lock back; the heartbeat is cleared when the store answers."""
        try:
            lease.release()
        except Exception as exc:  # the lock itself is released all the same
            log.warning("scheduler lease release: %s", type(exc).__name__)

