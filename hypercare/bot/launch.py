"""Running the bot until Ctrl-C (or SIGTERM): Socket Mode by default, or HTTP mode."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError, SlackClientError

from hypercare.bot.app import build_app, read_tokens, variables
from hypercare.bot.http_server import BotHttpServer
from hypercare.errors import SlackError

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from hypercare.jobs.host import JobHost
    from hypercare.services import Services


def _say(line: str) -> None:
    print(line, flush=True)


log = logging.getLogger(__name__)


class FollowUps:
    """What the bot does between requests (the ``slack_followups`` job): tell reporters about
    reports created in Odoo after it came back, and post Odoo's news into the threads that
    follow it. Syncing and writing back are jobs of their own."""

    def __init__(self, app: App, services: Services) -> None:
        self._app, self._services = app, services

    def run_once(self) -> str:
        """One round; a failing step is logged and the next one still runs. Returns what
        was done."""
        from hypercare.bot.listeners.raising import post_delivered
        from hypercare.bot.listeners.threads import post_thread_updates

        client = self._app.client
        steps: list[tuple[str, Callable[[], object]]] = [
            ("reports raised in Odoo", lambda: post_delivered(self._services, client)),
            ("threads told", lambda: post_thread_updates(self._services, client))]
        done = []
        for name, step in steps:
            try:
                done.append(f"{name}: {step()}")
            except Exception as exc:  # one failing step never stops the others
                log.warning("bot follow-up: %s failed: %s", name, type(exc).__name__)
                done.append(f"{name}: failed ({type(exc).__name__})")
        return "; ".join(done)


@dataclass
class RunningBot:
    """A started bot: its app, where it listens, and how to stop it."""

    app: App
    where: str
    _stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception as exc:  # stopping the rest matters more
                log.warning("stopping the bot: %s", type(exc).__name__)
        self._stops.clear()


def start_bot(services: Services, *, http: bool, host: str = "127.0.0.1",
              port: int = 3000) -> RunningBot:
    """Build the app and connect it (Socket Mode) or serve it (HTTP mode)."""
    app = build_app(services, http=http)
    if http:
        secret = read_tokens(services.context.settings.slack, http=True).signing_secret or ""
        server = BotHttpServer(app, signing_secret=secret, host=host, port=port).start()
        return RunningBot(app, f"HTTP mode, Slack posts to {server.url}", [server.stop])
    handler = connect_socket_mode(app, services)
    return RunningBot(app, "connected to Slack in Socket Mode", [handler.client.close])


def bot_jobs(bot: RunningBot, services: Services) -> JobHost:
    """The periodic work of a bot with no ``hypercare serve`` running (outbox delivery,
    follow-ups, write-back, sync, sweep): a job host that gives it all to a serve that
    starts (:mod:`hypercare.jobs.host`)."""
    from hypercare.bot.delivery import SlackDeliverer
    from hypercare.jobs.host import JobHost
    from hypercare.jobs.registry import Injected

    settings = services.context.settings
    injected = Injected(
        deliverer=SlackDeliverer(bot.app.client, settings.slack, clock=services.context.clock),
        followups=FollowUps(bot.app, services).run_once)
    return JobHost(services, command="bot", injected=injected).start()


def run_bot(services: Services, *, http: bool, host: str = "127.0.0.1", port: int = 3000,
            say: Callable[[str], None] = _say) -> None:
    """Build the app and serve it, with its jobs, until Ctrl-C or SIGTERM; then stop
    cleanly."""
    bot = start_bot(services, http=http, host=host, port=port)
    jobs = bot_jobs(bot, services)
    say(f"hypercare bot: {bot.where} (Ctrl-C stops)")
    try:
        wait_for_stop()
    finally:
        jobs.stop()
        bot.stop()
    say("hypercare bot: stopped")


def connect_socket_mode(app: App, services: Services) -> SocketModeHandler:
    """A connected ``SocketModeHandler`` (the app-level token opens the WebSocket)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    tokens = read_tokens(services.context.settings.slack, http=False)
    handler = SocketModeHandler(app, app_token=tokens.app_token)
    try:
        handler.client.connect()  # logs, never raises, when the WebSocket itself fails
        if not handler.client.is_connected():
            raise ConnectionError("the WebSocket to Slack did not open")
    except SlackApiError as exc:
        handler.client.close()
        code = exc.response.get("error", "")
        raise SlackError(f"Slack refused to open a Socket Mode connection ({code})",
                         hint=f"Set {variables('app_token')} to an app-level token with the "
                              "connections:write scope, and turn Socket Mode on for the app.",
                         ) from None
    except (SlackClientError, OSError) as exc:
        handler.client.close()
        reason = str(exc) if isinstance(exc, ConnectionError) else type(exc).__name__
        raise SlackError(f"cannot open a Socket Mode connection ({reason})",
                         hint="Check the network and proxy; Socket Mode needs outbound "
                              "WebSocket (wss://) access to Slack.") from None
    return handler


def wait_for_stop(stop: threading.Event | None = None) -> None:
    """Block until Ctrl-C, SIGTERM or ``stop`` is set (polling, so signals are seen at once)."""
    stop = stop or threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
