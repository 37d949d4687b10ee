"""The mock Slack Web API, driven by the real slack_sdk client, and Slack's request signing."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.slack_mock import BOT_USER_ID, MockSlack, sign_request

TOKEN = "xoxb-valid-test-token"


@pytest.fixture
def mock() -> Iterator[MockSlack]:
    with MockSlack(token=TOKEN, users={"U1": "ann@acme.example"}) as server:
        yield server


def client(mock: MockSlack, token: str = TOKEN) -> WebClient:
    return WebClient(token=token, base_url=mock.url, timeout=5)


def test_url_ends_with_api_and_ok_path_records_the_call(mock: MockSlack) -> None:
    assert mock.url.startswith("http://127.0.0.1:") and mock.url.endswith("/api/")
    web = client(mock)
    assert web.auth_test()["user_id"] == BOT_USER_ID
    answer = web.chat_postMessage(channel="C1", text="hello",
                                  blocks=[{"type": "section", "text": {"type": "mrkdwn",
                                                                       "text": "hello"}}])
    assert answer["channel"] == "C1" and answer["ts"]
    (call,) = mock.calls("chat.postMessage")
    assert call.payload["text"] == "hello"
    assert call.payload["blocks"][0]["type"] == "section"
    assert call.authorized and call.headers["authorization"] == "Bearer <redacted>"
    assert TOKEN not in repr(mock.calls())


def test_every_method_answers(mock: MockSlack) -> None:
    web = client(mock)
    posted = web.chat_postMessage(channel="C1", text="x")
    assert web.chat_update(channel="C1", ts=posted["ts"], text="y")["ts"] == posted["ts"]
    assert web.chat_postEphemeral(channel="C1", user="U1", text="z")["message_ts"]
    assert web.chat_getPermalink(channel="C1", message_ts=posted["ts"])["permalink"].startswith(
        "https://")
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    opened = web.views_open(trigger_id="1.2.3", view=view)
    assert opened["view"]["id"].startswith("V")
    assert web.views_update(view_id=opened["view"]["id"], view=view)["view"]["id"] == \
        opened["view"]["id"]
    assert web.views_push(trigger_id="1.2.3", view=view)["ok"]
    assert web.views_publish(user_id="U1", view={"type": "home", "blocks": []})["ok"]
    assert web.users_info(user="U1")["user"]["profile"]["email"] == "ann@acme.example"
    assert web.users_lookupByEmail(email="ANN@acme.example")["user"]["id"] == "U1"
    assert web.conversations_open(users="U1")["channel"]["id"] == "D1"
    with pytest.raises(SlackApiError) as info:
        web.users_info(user="U404")
    assert info.value.response["error"] == "user_not_found"


def test_wrong_token_is_invalid_auth(mock: MockSlack) -> None:
    with pytest.raises(SlackApiError) as info:
        client(mock, token="xoxb-wrong").auth_test()
    assert info.value.response["error"] == "invalid_auth"
    assert not mock.calls("auth.test")[0].authorized


def test_fail_next_answers_the_scripted_error_once(mock: MockSlack) -> None:
    mock.fail_next("chat.postMessage", error="channel_not_found")
    web = client(mock)
    with pytest.raises(SlackApiError) as info:
        web.chat_postMessage(channel="C404", text="x")
    assert info.value.response["error"] == "channel_not_found"
    assert web.chat_postMessage(channel="C1", text="x")["ok"]


def test_rate_limit_is_retried_by_slack_sdks_handler(mock: MockSlack) -> None:
    mock.rate_limit_next("chat.postMessage", retry_after=1)
    web = client(mock)
    web.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    started = time.monotonic()
    assert web.chat_postMessage(channel="C1", text="x")["ok"]
    assert time.monotonic() - started >= 0.9  # it waited as Retry-After said
    first, second = mock.calls("chat.postMessage")
    assert first.status == 429 and second.status == 200


def test_rate_limit_without_retry_handler_surfaces_429(mock: MockSlack) -> None:
    mock.rate_limit_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client(mock).chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"


def test_response_url_posts_are_recorded(mock: MockSlack) -> None:
    # A path like {mock.url}../response/abc is normalised too.
    for url in (mock.response_url("abc"), f"{mock.url}../response/def"):
        assert WebhookClient(url).send(text="answer").status_code == 200
    assert [c.path for c in mock.wait_for("response_url", count=2)] == ["/response/abc",
                                                                         "/response/def"]


def test_sign_request_matches_slack_sdks_verifier() -> None:
    body = b"command=%2Fhypercare&text=help"
    headers = sign_request(body, "s3cret", timestamp=int(time.time()))
    verifier = SignatureVerifier("s3cret")
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"],
                             headers["X-Slack-Signature"])
    assert not SignatureVerifier("other").is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    expected = hmac.new(b"k", b"v0:1:x", hashlib.sha256).hexdigest()
    assert sign_request(b"x", "k", timestamp=1) == {"X-Slack-Request-Timestamp": "1",
                                                    "X-Slack-Signature": f"v0={expected}"}
