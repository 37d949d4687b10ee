"""HTTP mode: Slack's requests verified in front of Bolt, on a production WSGI server.

Bolt's WSGI adapter parses the body into its request object *before* its own signature check
runs, and its error handler may then answer the unverified body's ``response_url``: so a
request is checked here first, and only a verified, well-formed one reaches Bolt.
:class:`SlackGate` refuses, with a one-line log reason and no traceback:

- 404 for another path, 405 for another method (``GET /healthz`` answers ``ok``);
- 400 for a missing or non-numeric Content-Length or a short body (waitress itself answers
  400 to a negative one and 413 to one above :data:`~hypercare.web_server.MAX_BODY`);
- 401 for a missing, non-numeric or stale (more than five minutes) timestamp, or a signature
  that is not Slack's (``slack_sdk.signature.SignatureVerifier``: HMAC-SHA256 of
  ``v0:timestamp:body`` with the signing secret);
- 400 for a signed body that is not one Slack sends (form fields or JSON that do not parse, a
  ``payload`` that is not a JSON object with a ``type``, ``block_actions`` without actions).

Verified requests carry a per-process marker header (any copy sent from outside is
dropped) that :mod:`hypercare.bot.error_handler` checks before it answers anyone.
:class:`BotHttpServer` serves the gate on :class:`~hypercare.web_server.WebServer`
(waitress: a thread cap, idle connections closed, a body limit).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_bolt.adapter.wsgi import SlackRequestHandler

from hypercare.web_server import MAX_BODY, WebServer

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from slack_bolt import App

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_SKEW_SECONDS = 5 * 60
"""Slack's replay window: a request signed longer ago (or ahead) than this is refused."""
VERIFIED_HEADER = "x-hypercare-verified"
VERIFIED_TOKEN = secrets.token_hex(16)
"""The marker the gate puts on verified requests (new in every process)."""
_VERIFIED_ENVIRON = "HTTP_" + VERIFIED_HEADER.upper().replace("-", "_")
_LOG_LIMIT = 160

log = logging.getLogger("hypercare.bot.http")


class Refused(Exception):
    """A request the gate answers itself: HTTP status and the reason logged."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SlackGate:
    """WSGI middleware: verify Slack's signature and the body's shape, then call Bolt."""

    def __init__(self, bolt: Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]], *,
                 signing_secret: str, path: str = EVENTS_PATH, max_body: int = MAX_BODY,
                 clock: Callable[[], float] = time.time) -> None:
        self._bolt = bolt
        self._secret = signing_secret.encode()
        self._path = path
        self._max_body = max_body
        self._clock = clock

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        environ.pop(_VERIFIED_ENVIRON, None)
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _plain(start_response, "200 OK", "ok")
        try:
            if path != self._path:
                raise Refused("404 Not Found", "unknown path")
            if method != "POST":
                raise Refused("405 Method Not Allowed", f"method {method[:10]!r}")
            body = self._body(environ)
            self._verify(environ, body)
            _check_shape(environ.get("CONTENT_TYPE", ""), body)
        except Refused as refused:
            log.info("refused a request from %s: %s", environ.get("REMOTE_ADDR", "?"),
                     refused.reason[:_LOG_LIMIT])
            return _plain(start_response, refused.status, refused.status[4:].lower())
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ[_VERIFIED_ENVIRON] = VERIFIED_TOKEN
        try:
            return self._bolt(environ, start_response)
        except Exception as exc:  # a verified request Bolt could not handle: say so, once
            log.error("could not handle a verified Slack request: %s", type(exc).__name__)
            log.debug("Slack request failure", exc_info=exc)
            return _plain(start_response, "500 Internal Server Error", "internal error")

    def _body(self, environ: WSGIEnvironment) -> bytes:
        declared = str(environ.get("CONTENT_LENGTH") or "")
        if not (declared.isascii() and declared.isdigit()) or len(declared) > 12:
            raise Refused("400 Bad Request", "missing or invalid Content-Length")
        length = int(declared)
        if length > self._max_body:
            raise Refused("413 Request Entity Too Large", f"body of {length} bytes")
        body: bytes = environ["wsgi.input"].read(length)
        if len(body) != length:
            raise Refused("400 Bad Request", "body shorter than its Content-Length")
        return body

    def _verify(self, environ: WSGIEnvironment, body: bytes) -> None:
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
        if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
            raise Refused("401 Unauthorized", "missing or non-numeric request timestamp")
        if abs(self._clock() - int(timestamp)) > MAX_SKEW_SECONDS:
            raise Refused("401 Unauthorized", "stale request timestamp (replay?)")
        expected = "v0=" + hmac.new(self._secret, b"v0:%s:%s" % (timestamp.encode(), body),
                                    hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise Refused("401 Unauthorized", "signature does not match the signing secret")


def _check_shape(content_type: str, body: bytes) -> None:
    """Refuse a body Slack would never send (Bolt would fail on it with a 500)."""
    try:
        text = body.decode("utf-8")
        if content_type.split(";")[0].strip().lower() == "application/json":
            document = json.loads(text)
            if not isinstance(document, dict) or not isinstance(document.get("type"), str):
                raise ValueError("a JSON body that is not an event")
            return
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text),
                        max_num_fields=1000)
        if "payload" in form:
            _check_payload(json.loads(form["payload"][0]))
        elif "command" not in form and "ssl_check" not in form:
            raise ValueError("a form that is neither a command nor a payload")
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Refused("400 Bad Request", f"malformed body ({str(exc)[:80]})") from None


def _check_payload(payload: Any) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise ValueError("payload is not an object with a type")
    if payload["type"] == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions or not all(
                isinstance(a, dict) for a in actions):
            raise ValueError("block_actions without actions")
    for key in ("user", "view", "message", "channel", "team", "container"):
        if key in payload and not isinstance(payload[key], dict):
            raise ValueError(f"payload {key} is not an object")


def is_verified(headers: dict[str, Any]) -> bool:
    """True when the gate verified the request these (Bolt) headers came with."""
    values = headers.get(VERIFIED_HEADER) or [""]
    value = values[0] if isinstance(values, list | tuple) else values
    return secrets.compare_digest(str(value), VERIFIED_TOKEN)


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = f"{text}\n".encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


class BotHttpServer:
    """The bot's HTTP endpoint; ``serve_forever()`` blocks, ``start()`` runs it in a thread."""

    def __init__(self, app: App, *, signing_secret: str, host: str = "127.0.0.1",
                 port: int = 0, path: str = EVENTS_PATH, threads: int = 16,
                 channel_timeout: int = 30) -> None:
        self.path = path
        gate = SlackGate(SlackRequestHandler(app, path=path), signing_secret=signing_secret,
                         path=path)
        self._server = WebServer(gate, host=host, port=port, name="hypercare-bot",
                              threads=threads, channel_timeout=channel_timeout)

    @property
    def host(self) -> str:
        return self._server.host

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        """Where Slack posts: ``http://host:port/slack/events``."""
        return self._server.url(self.path)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def start(self) -> BotHttpServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> BotHttpServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
