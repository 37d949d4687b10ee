"""The Slack HTTP boundary as an attacker meets it: every request that is not Slack's, signed,
fresh and well-formed is refused before Bolt sees it, with no outbound call and no traceback.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from hypercare.bot.app import build_app
from hypercare.bot.http_server import BotHttpServer
from hypercare.services import Services
from tests.bot.conftest import SIGNING_SECRET, answer_text, command_body, post, signed_command
from tests.slack_mock import MockSlack, sign_request

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def gate(services: Services, mock_slack: MockSlack,
         caplog: pytest.LogCaptureFixture) -> Iterator[BotHttpServer]:
    caplog.set_level(logging.DEBUG)
    app = build_app(services, http=True)
    with BotHttpServer(app, signing_secret=SIGNING_SECRET, port=0, threads=4,
                       channel_timeout=2) as server:
        mock_slack.reset()  # auth.test at start is not the attacker's doing
        yield server


def raw(server: BotHttpServer, head: str, body: bytes = b"", *, wait: float = 5.0) -> int:
    """Send bytes as they are (no client-side checks); the status code answered."""
    with socket.create_connection((server.host, server.port), timeout=wait) as conn:
        conn.sendall(head.encode() + b"\r\n\r\n" + body)
        answer = conn.recv(4096).decode("latin-1")
    return int(answer.split(" ", 2)[1])


def payload_body(payload: Any) -> bytes:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return b"payload=" + quote(text).encode()


MALFORMED = {
    "payload is not JSON": b"payload=%7Bx",
    "invalid JSON body": b"{not json",
    "binary": bytes(range(256)) * 4,
    "a JSON array": payload_body([1, 2, 3]),
    "block_actions without actions": payload_body({"type": "block_actions",
                                                   "user": {"id": "U1"}}),
    "payload without a type": payload_body({"user": {"id": "U1"}}),
    "neither command nor payload": b"hello=world",
}


def assert_quiet(mock_slack: MockSlack, caplog: pytest.LogCaptureFixture) -> None:
    time.sleep(0.3)  # anything Bolt would have done after answering has had its chance
    assert mock_slack.calls() == [] and mock_slack.responses() == []
    assert "Traceback" not in caplog.text
    assert all(record.exc_info is None for record in caplog.records
               if record.levelno >= logging.INFO)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_unsigned_malformed_body_is_refused_401(gate: BotHttpServer, mock_slack: MockSlack,
                                                caplog: pytest.LogCaptureFixture,
                                                name: str) -> None:
    assert post(gate.url, MALFORMED[name], {})[0] == 401
    assert_quiet(mock_slack, caplog)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_signed_malformed_body_is_refused_400(gate: BotHttpServer, mock_slack: MockSlack,
                                              caplog: pytest.LogCaptureFixture,
                                              name: str) -> None:
    body = MALFORMED[name]
    assert post(gate.url, body, sign_request(body, SIGNING_SECRET))[0] == 400
    assert_quiet(mock_slack, caplog)
    assert "malformed body" in caplog.text


@pytest.mark.parametrize("stamp", ["abc", "", "-5", "1e9", "١٢٣", "9" * 40])
def test_bad_timestamp_never_answers_the_bodys_response_url(
        gate: BotHttpServer, mock_slack: MockSlack, caplog: pytest.LogCaptureFixture,
        stamp: str) -> None:
    # The forged body names a response_url: the old error handler called it.
    body = command_body("status HT99999", mock_slack.response_url("forged"))
    headers = {**sign_request(body, SIGNING_SECRET),
               "X-Slack-Request-Timestamp": stamp.encode().decode("latin-1")}  # raw bytes
    if not stamp:
        del headers["X-Slack-Request-Timestamp"]
    assert post(gate.url, body, headers)[0] == 401
    assert_quiet(mock_slack, caplog)
    assert "timestamp" in caplog.text


def test_replay_wrong_secret_and_tampering_are_refused(
        gate: BotHttpServer, mock_slack: MockSlack, caplog: pytest.LogCaptureFixture) -> None:
    body = command_body("help", mock_slack.response_url("x"))
    assert post(gate.url, body, sign_request(body, SIGNING_SECRET,
                                             int(time.time()) - 301))[0] == 401
    assert post(gate.url, body, sign_request(body, "another-apps-secret"))[0] == 401
    headers = sign_request(body, SIGNING_SECRET)
    assert post(gate.url, body + b"&x=1", headers)[0] == 401
    assert post(gate.url, body, {**headers, "X-Slack-Signature": "v0=zz\u00e9"
                                 .encode().decode("latin-1")})[0] == 401
    assert_quiet(mock_slack, caplog)


def test_a_forged_verified_marker_is_not_trusted(gate: BotHttpServer, mock_slack: MockSlack,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    body = command_body("help", mock_slack.response_url("x"))
    assert post(gate.url, body, {"X-Hypercare-Verified": "anything"})[0] == 401
    assert_quiet(mock_slack, caplog)


def test_content_length_abuse(gate: BotHttpServer, mock_slack: MockSlack,
                              caplog: pytest.LogCaptureFixture) -> None:
    path = "/slack/events"
    assert raw(gate, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: -1",
               b"payload=x") == 400
    assert raw(gate, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: abc") == 400
    assert raw(gate, f"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close") == 400
    big = b"x" * (2 << 20)
    assert raw(gate, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(big)}",
               big[:1000]) == 413
    assert_quiet(mock_slack, caplog)


def test_other_paths_and_methods(gate: BotHttpServer) -> None:
    base = gate.url.removesuffix("/slack/events")
    assert raw(gate, "GET /healthz HTTP/1.1\r\nHost: x") == 200
    assert raw(gate, "GET /slack/events HTTP/1.1\r\nHost: x") == 405
    assert post(base + "/admin", b"command=x", {})[0] == 404


def test_idle_connections_are_bounded_and_closed(gate: BotHttpServer, mock_slack: MockSlack,
                                                 services: Services) -> None:
    before = threading.active_count()
    idle = [socket.create_connection((gate.host, gate.port)) for _ in range(60)]
    try:
        for conn in idle[:30]:
            conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n")
        time.sleep(0.5)
        assert threading.active_count() - before <= 2  # no thread per connection
        # the server still answers a real request while they hang
        assert signed_command(gate, mock_slack, "help", key="live")[0] == 200
        assert "status REF" in answer_text(mock_slack.wait_for("response_url")[0])
        deadline = time.monotonic() + 8
        closed = 0
        for conn in idle:  # channel_timeout (2 s here) closes every idle connection
            conn.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                closed += conn.recv(1) == b""
            except (TimeoutError, ConnectionResetError):
                closed += 0
        assert closed == len(idle)
    finally:
        for conn in idle:
            conn.close()


def test_a_verified_request_that_fails_is_logged_in_one_line(
        gate: BotHttpServer, mock_slack: MockSlack, caplog: pytest.LogCaptureFixture) -> None:
    body = urlencode({"command": "/hypercare", "text": "help", "user_id": "U1",
                      "response_url": mock_slack.response_url("ok")}).encode()
    status, _ = post(gate.url, body, sign_request(body, SIGNING_SECRET))
    assert status == 200  # Bolt still answers a well-formed minimal command
    assert "Traceback" not in caplog.text


def test_status_of_an_absurd_number_says_not_found(gate: BotHttpServer,
                                                   mock_slack: MockSlack) -> None:
    assert signed_command(gate, mock_slack, "status " + "9" * 40, key="huge")[0] == 200
    (reply,) = mock_slack.wait_for("response_url")
    assert "no synced ticket you may see has the reference" in answer_text(reply)


def test_the_wsgi_application_for_gunicorn_is_gated(
        monkeypatch: pytest.MonkeyPatch, mock_slack: MockSlack, sqlite_url: str) -> None:
    import io
    from wsgiref.util import setup_testing_defaults

    from hypercare.commands.bot_wsgi import application
    from tests.bot.conftest import BOT_TOKEN

    for name, value in {"HYPERCARE_SLACK__BOT_TOKEN": BOT_TOKEN,
                        "HYPERCARE_SLACK__SIGNING_SECRET": SIGNING_SECRET,
                        "HYPERCARE_SLACK__API_URL": mock_slack.url,
                        "HYPERCARE_DATABASE_URL": sqlite_url}.items():
        monkeypatch.setenv(name, value)
    app = application()

    def call(method: str, path: str, body: bytes = b"",
             headers: dict[str, str] | None = None) -> str:
        environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path,
                                   "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": FORM,
                                   "wsgi.input": io.BytesIO(body)}
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        setup_testing_defaults(environ)
        seen: list[str] = []
        b"".join(app(environ, lambda status, _headers, *_: seen.append(status)))  # type: ignore[arg-type]
        return seen[0]

    assert call("GET", "/healthz") == "200 OK"
    body = command_body("help", mock_slack.response_url("wsgi"))
    assert call("POST", "/slack/events", body) == "401 Unauthorized"
    assert call("POST", "/slack/events", body, sign_request(body, SIGNING_SECRET)) == "200 OK"
    assert "status REF" in answer_text(mock_slack.wait_for("response_url")[0])
