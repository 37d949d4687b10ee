"""HTTP mode: Bolt's WSGI adapter behind a threaded ``wsgiref`` server.

``App.start()`` is Bolt's single-threaded development server: one slow answer would keep
every other request (and its 3-second ack) waiting. Here each request gets a thread
(``socketserver.ThreadingMixIn``), Slack's requests are served at ``/slack/events``, a
``GET /healthz`` answers ``ok`` for load balancers, and bodies above 1 MiB are refused.
Tests and benchmarks start it in-process on port 0::

    with BotHttpServer(app, port=0) as server:
        post(server.url, ...)
"""

from __future__ import annotations

import logging
import socketserver
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from slack_bolt.adapter.wsgi import SlackRequestHandler

from hypercare.errors import HypercareError

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from slack_bolt import App

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 1 << 20
"""Largest request body accepted (Slack's payloads are a few kB)."""

log = logging.getLogger("hypercare.bot.http")


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128
    """Connections waiting to be accepted: Slack may send many requests at once (the
    default of 5 resets the rest)."""
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    """Access lines go to the debug log, not to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class BotHttpServer:
    """The bot's HTTP endpoint; ``serve_forever()`` blocks, ``start()`` runs it in a thread."""

    def __init__(self, app: App, *, host: str = "127.0.0.1", port: int = 0,
                 path: str = EVENTS_PATH) -> None:
        self.path = path
        self._bolt = SlackRequestHandler(app, path=path)
        try:
            self._server = _ThreadingWSGIServer((host, port), _QuietHandler)
        except OSError as exc:
            raise HypercareError(f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                                 hint="Pick another --port, or stop what is using it.") from None
        self._server.set_app(self._wsgi)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Where Slack posts: ``http://host:port/slack/events``."""
        return f"http://{self.host}:{self.port}{self.path}"

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> BotHttpServer:
        """Serve in a daemon thread (returns at once)."""
        self._thread = threading.Thread(target=self.serve_forever, name="hypercare-bot-http",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (from another thread than ``serve_forever``'s) and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> BotHttpServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def _wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if environ.get("PATH_INFO") == HEALTH_PATH and method in ("GET", "HEAD"):
            return _plain(start_response, "200 OK", b"ok\n")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _plain(start_response, "400 Bad Request", b"bad Content-Length\n")
        if length > MAX_BODY:
            return _plain(start_response, "413 Payload Too Large", b"too large\n")
        return self._bolt(environ, start_response)


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]
