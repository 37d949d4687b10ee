"""``MockSocketMode``: Slack's Socket Mode WebSocket endpoint (a real WebSocket), for tests.

Slack's side of https://docs.slack.dev/apis/events-api/using-socket-mode/ on 127.0.0.1:
``url_for_new_connection`` issues a single-use ``ws://.../link/?ticket=...&app_id=...`` URL
(what ``apps.connections.open`` answers); a connection opened with it gets ``hello``;
``push`` sends a request envelope (``events_api``, ``slash_commands``, ``interactive``) to
the newest open connection and ``wait_ack`` returns the app's acknowledgement
(``{"envelope_id": ..., "payload": ...}``); ``request_refresh`` sends
``{"type": "disconnect", "reason": "refresh_requested"}`` so the client reconnects.
WebSocket pings are answered by the websockets library. Every method is thread-safe.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from tests.slack_mock.methods import APP_ID

KINDS = ("events_api", "slash_commands", "interactive")
"""The envelope types Slack sends over Socket Mode."""


@dataclass(frozen=True)
class SocketAck:
    """One acknowledgement the app sent back."""

    envelope_id: str
    body: dict[str, Any]
    """The ack as sent: ``{"envelope_id": ...}`` plus an optional ``payload``."""
    seconds: float | None
    """Time from the push to the ack's arrival (None for an envelope never pushed)."""


class MockSocketMode:
    """The WebSocket server; ``start()`` it (``MockSlack.socket_mode`` does so lazily)."""

    def __init__(self, *, app_id: str = APP_ID) -> None:
        self.app_id = app_id
        self._changed = threading.Condition()
        self._tickets: set[str] = set()
        self._open: list[ServerConnection] = []
        self._accepted = 0
        self._pushed: dict[str, float] = {}
        self._acks: dict[str, SocketAck] = {}
        self._other: list[str] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> MockSocketMode:
        server = serve(self._handle, "127.0.0.1", 0, process_request=self._check_ticket,
                       compression=None)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="mock-socket-mode",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            still_open = list(self._open)
        for connection in still_open:
            connection.close()
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("MockSocketMode is not started")
        return int(self._server.socket.getsockname()[1])

    # -- Slack's side of the protocol -----------------------------------------------------------

    def url_for_new_connection(self) -> str:
        """A single-use WebSocket URL, as ``apps.connections.open`` answers it."""
        ticket = secrets.token_hex(16)
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    def push(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0,
             retry_reason: str = "", accepts_response_payload: bool | None = None,
             timeout: float = 5.0) -> str:
        """Send a request envelope to the newest connection (waiting up to ``timeout`` for
        one); returns its ``envelope_id``. ``accepts_response_payload`` defaults to Slack's:
        true for slash commands and interactivity, false for Events API."""
        if kind not in KINDS:
            raise ValueError(f"unknown envelope type {kind!r} (one of {KINDS})")
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": (kind != "events_api" if accepts_response_payload
                                         is None else accepts_response_payload)}
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        connection = self._current(timeout)
        with self._changed:
            self._pushed[envelope_id] = time.monotonic()
        connection.send(json.dumps(envelope))
        return envelope_id

    def request_refresh(self, timeout: float = 5.0) -> None:
        """Ask the client to reconnect (what Slack sends some time before it drops a link)."""
        self._current(timeout).send(json.dumps({
            "type": "disconnect", "reason": "refresh_requested",
            "debug_info": {"host": "applink-mock-1"}}))

    # -- what happened ----------------------------------------------------------------------------

    @property
    def connections(self) -> int:
        """WebSocket connections accepted so far (each got ``hello``)."""
        with self._changed:
            return self._accepted

    @property
    def open_connections(self) -> int:
        with self._changed:
            return len(self._open)

    def wait_connections(self, count: int, timeout: float = 5.0) -> None:
        """Block until ``count`` connections were accepted; AssertionError on timeout."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._accepted >= count, timeout):
                raise AssertionError(f"{self._accepted} of {count} Socket Mode connections "
                                     f"within {timeout}s")

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The ack the app sent for ``envelope_id``; AssertionError if none within ``timeout``."""
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(
                    f"no ack for envelope {envelope_id} within {timeout}s "
                    f"({len(self._acks)} acks received, {len(self._open)} open connections)")
            return dict(self._acks[envelope_id].body)

    def acks(self) -> list[SocketAck]:
        """Every ack received, in arrival order."""
        with self._changed:
            return list(self._acks.values())

    def other_messages(self) -> list[str]:
        """Text frames from the app that were not acks (there should be none)."""
        with self._changed:
            return list(self._other)

    # -- server internals ----------------------------------------------------------------------

    def _current(self, timeout: float) -> ServerConnection:
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._open), timeout):
                raise AssertionError(f"no Socket Mode connection open within {timeout}s "
                                     f"({self._accepted} accepted so far)")
            return self._open[-1]

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        ticket = (parse_qs(parts.query).get("ticket") or [""])[0]
        with self._changed:
            known = ticket in self._tickets
            self._tickets.discard(ticket)
        if parts.path.rstrip("/") != "/link" or not known:
            return connection.respond(401, "invalid or used ticket\n")
        return None

    def _handle(self, connection: ServerConnection) -> None:
        hello = {"type": "hello", "num_connections": self.open_connections + 1,
                 "debug_info": {"host": "applink-mock-1", "build_number": 1,
                                "approximate_connection_time": 18060},
                 "connection_info": {"app_id": self.app_id}}
        try:
            connection.send(json.dumps(hello))
            with self._changed:
                self._open.append(connection)
                self._accepted += 1
                self._changed.notify_all()
            for message in connection:
                self._received(message if isinstance(message, str) else message.decode())
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                if connection in self._open:
                    self._open.remove(connection)
                self._changed.notify_all()

    def _received(self, text: str) -> None:
        arrived = time.monotonic()
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        with self._changed:
            if isinstance(body, dict) and isinstance(body.get("envelope_id"), str):
                envelope_id = body["envelope_id"]
                pushed = self._pushed.get(envelope_id)
                self._acks[envelope_id] = SocketAck(
                    envelope_id, body, None if pushed is None else arrived - pushed)
            else:
                self._other.append(text)
            self._changed.notify_all()
