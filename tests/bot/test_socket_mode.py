"""Socket Mode over a real WebSocket: ``connect_socket_mode`` against the mock's
``apps.connections.open`` and its WebSocket server, which pushes envelopes as Slack does and
records the app's acks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect

from hypercare.bot.app import build_app
from hypercare.bot.launch import connect_socket_mode
from hypercare.errors import SlackError
from tests.bot.conftest import APP_TOKEN, BOT_TOKEN, REPORTER, answer_text, command_body
from tests.slack_mock import APP_ID, TEAM_ID, MockSlack

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

Connect = Callable[..., "SocketModeHandler"]
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
USAGES = ("status REF", "mine", "howto TEXT", "runbook NAME", "help")
MESSAGE_TS = "1763650000.000100"


@pytest.fixture
def connect(make_services: Callable[..., Any],
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Connect]:
    """``connect(slack={...})``: the Socket Mode bot on fresh services, connected to the mock
    (closed after the test)."""
    for name in PROXY_VARIABLES:  # slack_sdk would tunnel 127.0.0.1 through a proxy
        monkeypatch.delenv(name, raising=False)
    handlers: list[SocketModeHandler] = []

    def factory(**extra: Any) -> SocketModeHandler:
        services = make_services(**extra)
        handler = connect_socket_mode(build_app(services, http=False), services)
        handlers.append(handler)
        return handler

    yield factory
    for handler in handlers:
        handler.client.close()


def command_payload(text: str, response_url: str) -> dict[str, str]:
    """A ``/hypercare`` payload as Socket Mode carries it (the HTTP form's fields, as JSON)."""
    return dict(parse_qsl(command_body(text, response_url).decode(), keep_blank_values=True))


def shortcut_payload(text: str, *, trigger_id: str = "1337.42.shortcut") -> dict[str, Any]:
    """The ``raise_from_message`` message shortcut, as Slack sends it."""
    return {
        "type": "message_action", "token": "deprecated-verification-token",
        "action_ts": "1763650800.123456", "team": {"id": TEAM_ID, "domain": "hypercare-test"},
        "user": {"id": REPORTER, "username": "reporter", "team_id": TEAM_ID},
        "channel": {"id": "C0SHARED", "name": "go-live"}, "is_enterprise_install": False,
        "enterprise": None, "callback_id": "raise_from_message", "trigger_id": trigger_id,
        "response_url": "https://hooks.slack.com/app/T0HYPER/1/unused", "api_app_id": APP_ID,
        "message_ts": MESSAGE_TS,
        "message": {"type": "message", "user": REPORTER, "text": text, "ts": MESSAGE_TS},
    }


def test_help_command_is_acked_and_answered_through_the_response_url(
        connect: Connect, mock_slack: MockSlack) -> None:
    handler = connect()
    assert handler.client.is_connected()
    (opened,) = mock_slack.calls("apps.connections.open")
    assert opened.authorized  # the app-level token, not the bot token
    socket = mock_slack.socket_mode
    socket.wait_connections(1)
    envelope = socket.push("slash_commands",
                           command_payload("help", mock_slack.response_url("help1")))
    assert socket.wait_ack(envelope) == {"envelope_id": envelope}
    (reply,) = mock_slack.wait_for("response_url")
    assert reply.path == "/response/help1"
    assert reply.payload["response_type"] == "ephemeral"
    shown = answer_text(reply)
    for usage in USAGES:
        assert usage in shown
    assert socket.other_messages() == []


def test_unknown_subcommand_gets_the_help(connect: Connect, mock_slack: MockSlack) -> None:
    connect()
    socket = mock_slack.socket_mode
    envelope = socket.push("slash_commands",
                           command_payload("frobnicate now", mock_slack.response_url("u1")))
    socket.wait_ack(envelope)
    (reply,) = mock_slack.wait_for("response_url")
    assert reply.path == "/response/u1"
    shown = answer_text(reply)
    assert "frobnicate" in shown
    for usage in USAGES:
        assert usage in shown


def test_raise_shortcut_is_acked_and_opens_the_form_prefilled(
        connect: Connect, mock_slack: MockSlack) -> None:
    connect()
    socket = mock_slack.socket_mode
    text = "Invoice INV/2026/0042 cannot be posted\nIt says the journal is locked."
    envelope = socket.push("interactive", shortcut_payload(text))
    assert socket.wait_ack(envelope)["envelope_id"] == envelope
    (opened,) = mock_slack.wait_for("views.open")
    assert opened.payload["trigger_id"] == "1337.42.shortcut"
    view = opened.payload["view"]
    assert view["type"] == "modal" and view["callback_id"]
    elements = {block["block_id"]: block["element"] for block in view["blocks"]
                if block["type"] == "input"}
    assert elements["title"]["initial_value"] == "Invoice INV/2026/0042 cannot be posted"
    assert elements["what_happened"]["initial_value"] == text
    where = json.loads(view["private_metadata"])
    assert where == {"channel": "C0SHARED", "thread_ts": MESSAGE_TS, "message_ts": MESSAGE_TS}


def test_unknown_app_token_is_refused_with_a_clear_error(
        connect: Connect, mock_slack: MockSlack) -> None:
    with pytest.raises(SlackError) as raised:
        connect(slack={"app_token": "xapp-1-A999-999-some-other-app-token"})
    assert raised.value.message == \
        "Slack refused to open a Socket Mode connection (invalid_auth)"
    assert "connections:write" in (raised.value.hint or "")
    (opened,) = mock_slack.calls("apps.connections.open")
    assert not opened.authorized and opened.answer["error"] == "invalid_auth"
    assert mock_slack.socket_mode.connections == 0


def test_a_websocket_that_does_not_open_is_an_error_not_a_silent_start(
        connect: Connect, mock_slack: MockSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    socket = mock_slack.socket_mode
    good = socket.url_for_new_connection()
    monkeypatch.setattr(socket, "url_for_new_connection",
                        lambda: good.replace("ticket=", "ticket=forged"))
    with pytest.raises(SlackError) as raised:
        connect()
    assert raised.value.message == ("cannot open a Socket Mode connection (the WebSocket to "
                                    "Slack did not open)")
    assert "wss://" in (raised.value.hint or "")


def test_refresh_requested_reconnects_and_commands_are_still_answered(
        connect: Connect, mock_slack: MockSlack) -> None:
    handler = connect()
    socket = mock_slack.socket_mode
    socket.request_refresh()
    assert len(mock_slack.wait_for("apps.connections.open", count=2)) == 2
    socket.wait_connections(2)
    envelope = socket.push("slash_commands",
                           command_payload("help", mock_slack.response_url("after")))
    assert socket.wait_ack(envelope) == {"envelope_id": envelope}
    (reply,) = mock_slack.wait_for("response_url")
    assert reply.path == "/response/after"
    assert "status REF" in answer_text(reply)
    assert handler.client.is_connected()


def test_the_mock_hands_out_single_use_urls_to_the_app_token_only(
        mock_slack: MockSlack) -> None:
    web = WebClient(base_url=mock_slack.url, timeout=5)
    with pytest.raises(SlackApiError) as refused:
        web.apps_connections_open(app_token=BOT_TOKEN)
    assert refused.value.response["error"] == "not_allowed_token_type"
    url = web.apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith("ws://127.0.0.1:") and f"app_id={APP_ID}" in url
    with ws_connect(url, open_timeout=5) as link:
        hello = json.loads(link.recv(timeout=5))
    assert hello["type"] == "hello" and hello["connection_info"] == {"app_id": APP_ID}
    with pytest.raises(InvalidStatus):
        ws_connect(url, open_timeout=5)  # the ticket was used
