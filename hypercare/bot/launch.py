"""Running the bot until Ctrl-C (or SIGTERM): Socket Mode by default, or HTTP mode."""

from __future__ import annotations

import logging
import signal
import threading
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


RAISE_RETRY_SECONDS = 60.0
log = logging.getLogger(__name__)


def start_raise_retries(app: App, services: Services, *,
                        every: float = RAISE_RETRY_SECONDS) -> threading.Event:
    """Every ``every`` seconds, create the reports kept while Odoo was down and post their
    reference in their thread. Set the returned event to stop."""
    from hypercare.bot.listeners.raising import post_delivered

    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            try:
                post_delivered(services, app.client)
            except Exception as exc:
                log.warning("raising kept reports failed: %s", type(exc).__name__)

    threading.Thread(target=loop, name="raise-retries", daemon=True).start()
    return stop


def run_bot(services: Services, *, http: bool, host: str = "127.0.0.1", port: int = 3000,
            say: Callable[[str], None] = _say) -> None:
    """Build the app and serve it until Ctrl-C or SIGTERM; then stop cleanly."""
    app = build_app(services, http=http)
    retries = start_raise_retries(app, services)
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
    retries.set()
    say("hypercare bot: stopped")


def connect_socket_mode(app: App, services: Services) -> SocketModeHandler:
    """A connected ``SocketModeHandler`` (the app-level token opens the WebSocket)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    tokens = read_tokens(services.context.settings.slack, http=False)
    handler = SocketModeHandler(app, app_token=tokens.app_token)
    try:
        handler.client.connect()
    except SlackApiError as exc:
        handler.client.close()
        code = exc.response.get("error", "")
        raise SlackError(f"Slack refused to open a Socket Mode connection ({code})",
                         hint=f"Set {variables('app_token')} to an app-level token with the "
                              "connections:write scope, and turn Socket Mode on for the app.",
                         ) from None
    except (SlackClientError, OSError) as exc:
        handler.client.close()
        raise SlackError(f"cannot open a Socket Mode connection ({type(exc).__name__})",
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
