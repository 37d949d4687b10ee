"""``build_app``: token checks before any call, auth.test at start, client, error handler."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from hypercare.bot.app import build_app, read_tokens
from hypercare.bot.http_server import BotHttpServer
from hypercare.bot.launch import connect_socket_mode
from hypercare.errors import SlackConfigError, SlackError
from hypercare.services import Services
from tests.bot.conftest import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    BotWorld,
    answer_text,
    signed_command,
)
from tests.slack_mock import MockSlack
from tests.support import ServicesFactory, sqlite_settings

SECRET_PART = "S3CR3TPART"


@pytest.fixture
def slack_services(tmp_path: Path, mock_slack: MockSlack) -> Iterator[Callable[..., Services]]:
    """``slack_services(**slack)``: services on an empty store, Slack settings as given."""
    with ServicesFactory(tmp_path) as made:

        def factory(**slack: Any) -> Services:
            values = {"api_url": mock_slack.url, **slack}
            return made(sqlite_settings(made.store("s.db"), slack=values))

        yield factory


def said(error: BaseException) -> str:
    assert isinstance(error, SlackError)
    return f"{error.message}\n{error.hint}"


@pytest.mark.parametrize(("slack", "http", "variable", "words"), [
    ({}, True, "HYPERCARE_SLACK__BOT_TOKEN", "not set"),
    ({"bot_token": f"xoxp-{SECRET_PART}"}, True, "HYPERCARE_SLACK__BOT_TOKEN", "user token"),
    ({"bot_token": f"xapp-1-{SECRET_PART}"}, False, "HYPERCARE_SLACK__BOT_TOKEN",
     "app-level token"),
    ({"bot_token": f"{SECRET_PART}"}, True, "HYPERCARE_SLACK__BOT_TOKEN", "start with xoxb-"),
    ({"bot_token": f"xoxb-{SECRET_PART} \n"}, True, "HYPERCARE_SLACK__BOT_TOKEN", "spaces"),
    ({"bot_token": BOT_TOKEN}, False, "HYPERCARE_SLACK__APP_TOKEN", "Socket Mode"),
    ({"bot_token": BOT_TOKEN, "app_token": f"xoxb-{SECRET_PART}"}, False,
     "HYPERCARE_SLACK__APP_TOKEN", "bot token"),
    ({"bot_token": BOT_TOKEN, "app_token": APP_TOKEN}, True, "HYPERCARE_SLACK__SIGNING_SECRET",
     "HTTP mode"),
])
def test_missing_or_malformed_settings_name_the_variable_not_the_secret(
        slack_services: Callable[..., Services], mock_slack: MockSlack, slack: dict[str, str],
        http: bool, variable: str, words: str) -> None:
    services = slack_services(**slack)
    with pytest.raises(SlackConfigError) as info:
        build_app(services, http=http)
    text = said(info.value)
    assert variable in text and words in text
    assert SECRET_PART not in text and SECRET_PART not in repr(info.value)
    assert info.value.exit_code == 2
    assert mock_slack.calls() == []  # checked before any call


def test_tokens_never_show_in_their_repr(slack_services: Callable[..., Services]) -> None:
    services = slack_services(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET)
    tokens = read_tokens(services.context.settings.slack, http=True)
    assert BOT_TOKEN not in repr(tokens) and SIGNING_SECRET not in repr(tokens)


def test_invalid_auth_at_start_is_a_clear_error(slack_services: Callable[..., Services],
                                                mock_slack: MockSlack) -> None:
    wrong = f"xoxb-{SECRET_PART}-revoked"
    services = slack_services(bot_token=wrong, signing_secret=SIGNING_SECRET)
    with pytest.raises(SlackError) as info:
        build_app(services, http=True)
    text = said(info.value)
    assert "refused the bot token (invalid_auth)" in text
    assert "HYPERCARE_SLACK__BOT_TOKEN" in text and SECRET_PART not in text
    assert mock_slack.calls("auth.test")


def test_unreachable_slack_at_start_is_a_clear_error(
        slack_services: Callable[..., Services]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    services = slack_services(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
                              api_url=f"http://127.0.0.1:{port}/api/")
    with pytest.raises(SlackError) as info:
        build_app(services, http=True)
    assert f"cannot reach Slack's Web API at http://127.0.0.1:{port}/api/" in said(info.value)


def test_client_uses_api_url_and_retries_rate_limits(
        slack_services: Callable[..., Services], mock_slack: MockSlack) -> None:
    mock_slack.rate_limit_next("auth.test", retry_after=1)
    app = build_app(slack_services(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET),
                    http=True)
    assert app.client.base_url == mock_slack.url
    kinds = {type(handler) for handler in app.client.retry_handlers}
    assert {ConnectionErrorRetryHandler, RateLimitErrorRetryHandler} <= kinds
    assert [c.status for c in mock_slack.calls("auth.test")] == [429, 200]


def test_socket_mode_refused_app_token_is_a_clear_error(
        slack_services: Callable[..., Services], mock_slack: MockSlack) -> None:
    services = slack_services(bot_token=BOT_TOKEN, app_token=f"xapp-1-{SECRET_PART}")
    app = build_app(services, http=False)
    with pytest.raises(SlackError) as info:
        connect_socket_mode(app, services)
    text = said(info.value)
    assert "Socket Mode" in text and "HYPERCARE_SLACK__APP_TOKEN" in text
    assert SECRET_PART not in text
    assert mock_slack.calls("apps.connections.open")


def test_an_unexpected_failure_is_apologised_for_and_logged_without_secrets(
        make_services: Callable[..., Services], mock_slack: MockSlack, bot_world: BotWorld,
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    services = make_services()

    def broken(**_: Any) -> Any:
        raise RuntimeError(f"boom {BOT_TOKEN}")

    monkeypatch.setattr(services.tickets, "show_ticket", broken)
    app = build_app(services, http=True)
    caplog.set_level(logging.INFO, logger="hypercare.bot")
    with BotHttpServer(app, signing_secret=SIGNING_SECRET, port=0) as server:
        assert signed_command(server, mock_slack, f"status {bot_world.known_issue_ref}")[0] == 200
        (reply,) = mock_slack.wait_for("response_url")
    assert "something went wrong" in answer_text(reply)
    assert "listener failed: RuntimeError" in caplog.text
    assert BOT_TOKEN not in caplog.text and BOT_TOKEN not in answer_text(reply)
