"""Running the bot until Ctrl-C (or SIGTERM): Socket Mode by default, or HTTP mode."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self

from slack_sdk.errors import SlackApiError, SlackClientError

from hypercare.bot.app import build_app, read_tokens, variables
from hypercare.bot.http_server import BotHttpServer
from hypercare.errors import SlackError

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from hypercare.services import Services


def _say(line: str) -> None:
    print(line, flush=True)


FOLLOW_UP_SECONDS = 60.0
log = logging.getLogger(__name__)


OUTBOX_SECONDS = 5.0


class _Every:
    """Runs ``run_once`` every ``every`` seconds in a daemon thread until ``stop``; a failing
    round is logged and the next one runs all the same."""

    NAME = "bot-loop"

    def __init__(self, every: float) -> None:
        self._every = every
        self._stop = threading.Event()

    def start(self) -> Self:
        threading.Thread(target=self._loop, name=self.NAME, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def run_once(self) -> str:
        raise NotImplementedError

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.run_once()
            except Exception as exc:  # the store or Slack is down: the next round tries again
                log.warning("%s: %s", self.NAME, type(exc).__name__)


class OutboxLoop(_Every):
    """Delivers the outbox every ``every`` seconds, unless ``hypercare serve`` owns the
    scheduler (its ``outbox_deliver`` job does it then)."""

    NAME = "bot-outbox"

    def __init__(self, app: App, services: Services, *, every: float = OUTBOX_SECONDS) -> None:
        from hypercare.bot.delivery import SlackDeliverer

        super().__init__(every)
        self._services = services
        self.deliverer = SlackDeliverer(app.client, services.context.settings.slack,
                                        clock=services.context.clock)

    def run_once(self) -> str:
        if self._services.system.scheduler_owner():
            return "left to hypercare serve (its outbox_deliver job)"
        report = self._services.delivery.deliver(self.deliverer)
        return f"{report.delivered} delivered"


class FollowUps(_Every):
    """What the bot does between requests, every ``every`` seconds: create the reports kept
    while Odoo was down, sync from Odoo (every ``sync.interval_minutes``, unless a
    ``hypercare serve`` process owns syncing), make the queued writes (thread replies as
    notes), and post Odoo's news into the threads that follow it."""

    NAME = "bot-follow-ups"

    def __init__(self, app: App, services: Services, *,
                 every: float = FOLLOW_UP_SECONDS, sync: bool = True) -> None:
        super().__init__(every)
        self._app, self._services = app, services
        self._syncs = sync
        self._last_sync = float("-inf")

    def run_once(self) -> str:
        """One round; a failing step is logged and the next one still runs. Returns what
        was done (``serve`` runs this as its ``slack_followups`` job, without syncing and
        writing back: those are jobs of their own there)."""
        from hypercare.bot.listeners.raising import post_delivered
        from hypercare.bot.listeners.threads import post_thread_updates

        client = self._app.client
        if self._syncs and self._services.system.scheduler_owner():
            return "left to hypercare serve (its slack_followups job)"  # never twice
        steps: list[tuple[str, Callable[[], object]]] = [
            ("reports raised in Odoo", lambda: post_delivered(self._services, client))]
        if self._syncs:
            steps += [("synced", self._sync),
                      ("written back", lambda: self._services.writeback.deliver().done)]
        steps.append(("threads told", lambda: post_thread_updates(self._services, client)))
        done = []
        for name, step in steps:
            try:
                done.append(f"{name}: {step()}")
            except Exception as exc:  # one failing step never stops the others
                log.warning("bot follow-up: %s failed: %s", name, type(exc).__name__)
                done.append(f"{name}: failed ({type(exc).__name__})")
        return "; ".join(done)

    def _sync(self) -> str:
        interval = self._services.context.settings.sync.interval_minutes * 60
        if time.monotonic() - self._last_sync < interval:
            return "not due"
        if self._services.system.scheduler_owner():
            return "left to hypercare serve"
        self._last_sync = time.monotonic()
        return f"{self._services.sync.run_sync().changed_tickets} tickets changed"


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


def start_bot(services: Services, *, http: bool, host: str = "127.0.0.1", port: int = 3000,
              loops: bool = True) -> RunningBot:
    """Build the app and connect it (Socket Mode) or serve it (HTTP mode). ``loops``: also
    run the stand-alone follow-up and outbox loops (``serve`` runs those as jobs)."""
    app = build_app(services, http=http)
    if http:
        secret = read_tokens(services.context.settings.slack, http=True).signing_secret or ""
        server = BotHttpServer(app, signing_secret=secret, host=host, port=port).start()
        bot = RunningBot(app, f"HTTP mode, Slack posts to {server.url}", [server.stop])
    else:
        handler = connect_socket_mode(app, services)
        bot = RunningBot(app, "connected to Slack in Socket Mode", [handler.client.close])
    if loops:
        bot._stops += [FollowUps(app, services).start().stop,
                       OutboxLoop(app, services).start().stop]
    return bot


def run_bot(services: Services, *, http: bool, host: str = "127.0.0.1", port: int = 3000,
            say: Callable[[str], None] = _say) -> None:
    """Build the app and serve it until Ctrl-C or SIGTERM; then stop cleanly."""
    bot = start_bot(services, http=http, host=host, port=port)
    say(f"hypercare bot: {bot.where} (Ctrl-C stops)")
    try:
        wait_for_stop()
    finally:
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
