"""``MockSlack``: a local Slack Web API over real HTTP, for the real slack_sdk client.

Point ``WebClient(base_url=mock.url)`` (or ``SLACK_API_URL``) at it. It answers
``POST``/``GET /api/<method>`` for the methods in :mod:`tests.slack_mock.methods`, checks the
bearer token like Slack (``invalid_auth``), records every call, and can be scripted to fail
the next call of a method (``fail_next``), to answer it with HTTP 429 (``rate_limit_next``) or
late (``delay_next``: handled and recorded first, as when Slack took a message it never confirmed).
``POST /response/<key>`` stands in for a ``response_url`` (what ``respond()`` posts to).
``apps.connections.open`` (with the app-level token) answers the URL of ``mock.socket_mode``,
a :class:`~tests.slack_mock.socket_mode.MockSocketMode` started on first use.
"""

from __future__ import annotations

import contextlib
import json
import posixpath
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.slack_mock.methods import APP_TOKEN, CONNECTIONS_OPEN, METHODS, Workspace
from tests.slack_mock.socket_mode import MockSocketMode

RESPONSE_METHOD = "response_url"
"""The ``method`` recorded for a post to a ``response_url``."""
_JSON_FIELDS = ("blocks", "view", "attachments", "metadata", "files")
Where = Callable[[dict[str, Any]], bool]  # which calls a script applies to, by payload


@dataclass(frozen=True)
class Call:
    """One request the mock received."""

    method: str
    """``chat.postMessage``, or ``response_url`` for a post to ``/response/<key>``."""
    path: str
    headers: dict[str, str]
    """Lower-cased names; the Authorization value is reduced to ``Bearer <redacted>``."""
    payload: dict[str, Any]
    """Query string, form fields or JSON body, merged (JSON strings in blocks/view decoded)."""
    status: int
    answer: dict[str, Any] = field(default_factory=dict)
    authorized: bool = False


@dataclass
class _Script:
    kind: str  # "error", "ratelimit" or "delay"
    error: str = ""
    retry_after: int = 1
    where: Where | None = None
    seconds: float = 0.0


class MockSlack:
    """The mock server; a context manager (``with MockSlack() as mock:``)."""

    def __init__(self, *, token: str = "xoxb-valid-test-token",
                 users: dict[str, str] | None = None, app_token: str = APP_TOKEN) -> None:
        self.token = token
        self.app_token = app_token
        """The app-level token ``apps.connections.open`` accepts (Socket Mode)."""
        self.workspace = Workspace(users)
        self._calls: list[Call] = []
        self._scripts: dict[str, deque[_Script]] = {}
        self._stopping = threading.Event()
        self._changed = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._socket_mode: MockSocketMode | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> MockSlack:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.mock = self  # type: ignore[attr-defined]
        self._server = server
        self.workspace.base_url = self.base
        self._stopping.clear()
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mock-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # delayed answers go out now
        with self._changed:
            socket_mode, self._socket_mode = self._socket_mode, None
        if socket_mode is not None:
            socket_mode.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> MockSlack:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("MockSlack is not started")
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The Web API base URL, ending in ``/api/`` (``WebClient(base_url=...)``)."""
        return f"{self.base}/api/"

    def response_url(self, key: str = "abc") -> str:
        """A ``response_url`` served by this mock."""
        return f"{self.base}/response/{key}"

    @property
    def socket_mode(self) -> MockSocketMode:
        """The Socket Mode WebSocket server ``apps.connections.open`` points at (started on
        first use)."""
        with self._changed:
            if self._socket_mode is None:
                self._socket_mode = MockSocketMode().start()
            return self._socket_mode

    # -- scripting ----------------------------------------------------------------------------

    def fail_next(self, method: str, error: str = "channel_not_found") -> None:
        """The next call of ``method`` answers ``{"ok": false, "error": error}``."""
        with self._changed:
            self._scripts.setdefault(method, deque()).append(_Script("error", error=error))

    def rate_limit_next(self, method: str, retry_after: int = 1, *,
                        where: Where | None = None) -> None:
        """The next call of ``method`` (that ``where`` accepts) answers HTTP 429 with
        ``Retry-After: retry_after``."""
        with self._changed:
            self._scripts.setdefault(method, deque()).append(
                _Script("ratelimit", retry_after=retry_after, where=where))

    def delay_next(self, method: str, seconds: float, *, where: Where | None = None) -> None:
        """The next call of ``method`` (that ``where`` accepts) is handled and recorded as
        usual (a message is stored) but answered only after ``seconds`` (or at ``stop()``)."""
        with self._changed:
            self._scripts.setdefault(method, deque()).append(
                _Script("delay", where=where, seconds=seconds))

    # -- what was received --------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Every call received (of one method), oldest first."""
        with self._changed:
            return [c for c in self._calls if method is None or c.method == method]

    def responses(self) -> list[Call]:
        """Every post to a ``response_url``."""
        return self.calls(RESPONSE_METHOD)

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls of ``method`` arrived; raise AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self._calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self._calls})
                    raise AssertionError(f"{len(found)} of {count} {method} calls within "
                                         f"{timeout}s (seen: {seen})")
                self._changed.wait(left)

    def reset(self) -> None:
        with self._changed:
            self._calls.clear()
            self._scripts.clear()

    # -- called by the handler ----------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def _take_script(self, method: str, payload: dict[str, Any],
                     delay: bool = False) -> _Script | None:
        with self._changed:  # the first answer (or delay) script applying to this call
            queue = self._scripts.get(method) or deque()
            script = next((s for s in queue if (s.kind == "delay") == delay
                           and (s.where is None or s.where(payload))), None)
            if script is not None:
                queue.remove(script)
            return script

    def _answer(self, method: str, payload: dict[str, Any],
                authorization: str) -> tuple[int, dict[str, Any], bool, dict[str, str]]:
        """(HTTP status, body, token valid, extra headers) for one Web API call."""
        token = authorization.removeprefix("Bearer ").strip() or str(payload.get("token", ""))
        socket_mode = method == CONNECTIONS_OPEN
        authorized = token == (self.app_token if socket_mode else self.token)
        if not authorized:
            error = "not_authed" if not token else "invalid_auth"
            if socket_mode and token == self.token:
                error = "not_allowed_token_type"  # a bot token cannot open Socket Mode
            return 200, {"ok": False, "error": error}, False, {}
        script = self._take_script(method, payload)
        if script is not None and script.kind == "ratelimit":
            return (429, {"ok": False, "error": "ratelimited"}, True,
                    {"Retry-After": str(script.retry_after)})
        if script is not None:
            return 200, {"ok": False, "error": script.error}, True, {}
        if socket_mode:
            return 200, {"ok": True, "url": self.socket_mode.url_for_new_connection()}, True, {}
        handler: Callable[[Workspace, dict[str, Any]], dict[str, Any]] | None = METHODS.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, True, {}
        return 200, handler(self.workspace, payload), True, {}


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # Slack takes bursts; the default backlog of 5 resets them


class _Handler(BaseHTTPRequestHandler):
    server_version = "MockSlack/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: calls are recorded, not printed."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        mock: MockSlack = self.server.mock  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        path = posixpath.normpath(parts.path)
        if path.startswith("/upload/"):  # files.upload v2, step 2: the bytes themselves
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            mock.workspace.uploads[path.removeprefix("/upload/")] = raw
            mock._record(Call("file_upload", path, {}, {"bytes": len(raw)}, 200))
            self._send(200, b"OK", "text/plain; charset=utf-8")
            return
        payload = dict(parse_qsl(parts.query, keep_blank_values=True))
        payload.update(self._body())
        for name in _JSON_FIELDS:
            value = payload.get(name)
            if isinstance(value, str) and value[:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    payload[name] = json.loads(value)
        headers = {k.lower(): v for k, v in self.headers.items()}
        authorization = headers.get("authorization", "")
        if authorization:
            headers["authorization"] = "Bearer <redacted>"
        if path.startswith("/response/"):
            mock._record(Call(RESPONSE_METHOD, path, headers, payload, 200))
            self._send(200, b"ok", "text/plain; charset=utf-8")
            return
        if not path.startswith("/api/"):
            mock._record(Call("", path, headers, payload, 404))
            self._send(404, b"not found", "text/plain; charset=utf-8")
            return
        method = path.removeprefix("/api/")
        status, answer, authorized, extra = mock._answer(method, payload, authorization)
        mock._record(Call(method, path, headers, payload, status, answer, authorized))
        delay = mock._take_script(method, payload, delay=True)
        if delay is not None:
            mock._stopping.wait(delay.seconds)
        with contextlib.suppress(*((OSError,) if delay else ())):  # the client may be gone
            self._send(status, json.dumps(answer).encode(), "application/json; charset=utf-8",
                       extra)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        text = raw.decode("utf-8", errors="replace")
        if kind == "application/json":
            try:
                data = json.loads(text)
            except ValueError:
                return {"_raw": text}
            return data if isinstance(data, dict) else {"_json": data}
        return dict(parse_qsl(text, keep_blank_values=True))

    def _send(self, status: int, body: bytes, kind: str,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
