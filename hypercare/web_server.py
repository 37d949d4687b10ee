"""A WSGI application served by waitress, with the limits a server facing a network needs.

hypercare answers HTTP in two places: the Slack bot in HTTP mode (``hypercare bot --http``,
``/slack/events``) and the health check of ``hypercare serve --health-port``. Both run here,
on waitress (pure Python, production grade): a fixed pool of worker threads whatever the
number of connections, idle connections closed after ``channel_timeout`` seconds, at most
``connection_limit`` open connections, request bodies above ``max_body`` refused with 413, and
malformed requests (a negative or non-numeric Content-Length) answered 400 by waitress before
any hypercare code runs. Tests and benchmarks start it on port 0::

    with WebServer(app, port=0, name="bot") as server:
        post(server.url("/slack/events"), ...)
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

from hypercare.errors import HypercareError

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

MAX_BODY = 1 << 20
"""Largest request body accepted (Slack's payloads are a few kB)."""

log = logging.getLogger("hypercare.http")


class WebServer:
    """``app`` on waitress; ``serve_forever()`` blocks, ``start()`` serves in a thread."""

    def __init__(self, app: WSGIApplication, *, host: str = "127.0.0.1", port: int = 0,
                 name: str = "hypercare", threads: int = 8, connection_limit: int = 100,
                 channel_timeout: int = 30, max_body: int = MAX_BODY) -> None:
        from waitress.server import create_server

        self.name = name
        self._map: dict[int, Any] = {}
        try:
            self._server: Any = create_server(
                app, map=self._map, host=host, port=port, threads=threads,
                connection_limit=connection_limit, channel_timeout=channel_timeout,
                cleanup_interval=max(1, min(30, channel_timeout // 2)),
                max_request_body_size=max_body, max_request_header_size=64 * 1024,
                expose_tracebacks=False, ident=None, clear_untrusted_proxy_headers=True,
                asyncore_use_poll=True)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise HypercareError(f"cannot listen on {host}:{port} ({reason})",
                                 hint="Pick another port, or stop what is using it.") from None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def url(self, path: str = "") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` is called from another thread."""
        try:
            self._server.run()
        finally:
            self._stopped.set()

    def start(self) -> WebServer:
        """Serve in a daemon thread (returns at once)."""
        self._thread = threading.Thread(target=self.serve_forever, name=f"{self.name}-http",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close every connection, let the worker threads finish (5 s)."""
        self._server.task_dispatcher.shutdown(timeout=5)
        while self._map:  # closing the listener, the trigger and every channel ends run()
            for dispatcher in list(self._map.values()):
                try:
                    if dispatcher is self._server:
                        dispatcher.close()
                    else:
                        dispatcher.handle_close()
                except OSError:  # already closed: forget it
                    for key in [k for k, v in self._map.items() if v is dispatcher]:
                        del self._map[key]
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
