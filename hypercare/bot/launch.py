"""Running the bot until Ctrl-C (or SIGTERM): Socket Mode by default, or HTTP mode."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

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


class OutboxLoop:
    """Delivers the outbox every ``every`` seconds, unless ``hypercare serve`` owns the
    scheduler (its ``outbox_deliver`` job does it then)."""

    def __init__(self, app: App, services: Services, *, every: float = OUTBOX_SECONDS) -> None:
        from hypercare.bot.delivery import SlackDeliverer

        self._services, self._every = services, every
        self.deliverer = SlackDeliverer(app.client, services.context.settings.slack,
                                        clock=services.context.clock)
        self._stop = threading.Event()

    def start(self) -> OutboxLoop:
        threading.Thread(target=self._loop, name="bot-outbox", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            try:
                if not self._services.system.scheduler_owner():
                    self._services.delivery.deliver(self.deliverer)
            except Exception as exc:  # the next round tries again
                log.warning("bot outbox delivery failed: %s", type(exc).__name__)


class FollowUps:
    """What the bot does between requests, every ``every`` seconds: create the reports kept
    while Odoo was down, sync from Odoo (every ``sync.interval_minutes``, unless a
    ``hypercare serve`` process owns syncing), make the queued writes (thread replies as
    notes), and post Odoo's news into the threads that follow it."""

    def __init__(self, app: App, services: Services, *,
                 every: float = FOLLOW_UP_SECONDS) -> None:
        self._app, self._services, self._every = app, services, every
        self._stop = threading.Event()
        self._last_sync = float("-inf")

    def start(self) -> FollowUps:
        threading.Thread(target=self._loop, name="bot-follow-ups", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            self.run_once()

    def run_once(self) -> None:
        """One round; a failing step is logged and the next one still runs."""
        from hypercare.bot.listeners.raising import post_delivered
        from hypercare.bot.listeners.threads import post_thread_updates

        client = self._app.client
        for name, step in (("raising kept reports", lambda: post_delivered(self._services,
                                                                          client)),
                           ("syncing", self._sync),
                           ("writing back", lambda: self._services.writeback.deliver()),
                           ("posting thread updates",
                            lambda: post_thread_updates(self._services, client))):
            try:
                step()
            except Exception as exc:  # one failing step never stops the others
                log.warning("bot follow-up: %s failed: %s", name, type(exc).__name__)

    def _sync(self) -> None:
        interval = self._services.context.settings.sync.interval_minutes * 60
        if time.monotonic() - self._last_sync < interval:
            return
        if self._services.system.scheduler_owner():
            return  # `hypercare serve` syncs
        self._last_sync = time.monotonic()
        self._services.sync.run_sync()


def run_bot(services: Services, *, http: bool, host: str = "127.0.0.1", port: int = 3000,
            say: Callable[[str], None] = _say) -> None:
    """Build the app and serve it until Ctrl-C or SIGTERM; then stop cleanly."""
    app = build_app(services, http=http)
    follow_ups = FollowUps(app, services).start()
    outbox = OutboxLoop(app, services).start()
    if http:
        server = BotHttpServer(app, host=host, port=port).start()
        say(f"hypercare bot: HTTP mode, Slack posts to {server.url} (Ctrl-C stops)")
        try:
            _wait()
        finally:
            server.stop()
    else:
        handler = connect_socket_mode(app, services)
        say("hypercare bot: connected to Slack in Socket Mode (Ctrl-C stops)")
        try:
            _wait()
        finally:
            handler.client.close()
    follow_ups.stop()
    outbox.stop()
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


def _wait() -> None:
    """Block until Ctrl-C or SIGTERM (polling, so signals are seen at once)."""
    stop = threading.Event()
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
