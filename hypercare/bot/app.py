"""The Bolt app factory: settings checked, Web API client built, token verified, listeners on.

``build_app`` reads the Slack settings from the services' context, checks every token's
shape before anything touches the network, builds a ``WebClient`` on ``slack.api_url``
with slack_sdk's connection-error and rate-limit retry handlers, verifies the bot token
with ``auth.test`` (one call, kept by Bolt for every request), installs the one error
handler (:mod:`hypercare.bot.error_handler`) and registers the listener packages.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from hypercare.bot.directory import SlackDirectory
from hypercare.bot.error_handler import report_error
from hypercare.errors import SlackConfigError, SlackError

if TYPE_CHECKING:
    from hypercare.config import SlackSettings
    from hypercare.services import Services

log = logging.getLogger("hypercare.bot")

LISTENER_THREADS = 16
"""Listener threads: each acks at once and then runs its service call, so several slow
answers must not keep a new request from being acknowledged within 3 seconds."""

SecretName = Literal["bot_token", "app_token", "signing_secret"]
_PREFIXES: dict[str, str] = {"bot_token": "xoxb-", "app_token": "xapp-"}
_KINDS = {"xoxe.": "a rotating token (turn token rotation off for this app)",
          "xoxe-": "a refresh token", "xoxb-": "a bot token", "xapp-": "an app-level token",
          "xoxp-": "a user token", "xoxa-": "a workspace token"}
_WHAT = {
    "bot_token": "the Bot User OAuth Token (xoxb-...) from the app's OAuth & Permissions page",
    "app_token": "an app-level token (xapp-...) with the connections:write scope, from the "
                 "app's Basic Information page (Socket Mode)",
    "signing_secret": "the Signing Secret from the app's Basic Information page (HTTP mode)",
}
_REFUSED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
            "token_expired", "no_permission", "org_login_required", "ekm_access_denied"}


@dataclass(frozen=True, repr=False)
class SlackTokens:
    """The secrets the bot runs with (never printed: ``repr`` shows none of them)."""

    bot_token: str
    app_token: str | None
    signing_secret: str | None

    def __repr__(self) -> str:
        return "SlackTokens(<redacted>)"


def variables(name: SecretName) -> str:
    """Where a secret is set, for messages: ``HYPERCARE_SLACK__BOT_TOKEN (or ...)``."""
    alias = f"SLACK_{name.upper()}"
    return (f"HYPERCARE_SLACK__{name.upper()} (or {alias}, or slack.{name}_file "
            "pointing at a file holding it)")


def read_tokens(slack: SlackSettings, *, http: bool) -> SlackTokens:
    """The tokens a mode needs, their shape checked; raises :class:`SlackConfigError`
    naming the setting (never echoing a value)."""
    bot = _secret(slack, "bot_token", required=True)
    assert bot is not None
    app = _secret(slack, "app_token", required=not http)
    secret = _secret(slack, "signing_secret", required=http)
    return SlackTokens(bot, app if not http else None, secret if http else None)


def _secret(slack: SlackSettings, name: SecretName, *, required: bool) -> str | None:
    found = slack.resolved(name)
    value = found.get_secret_value() if found is not None else ""
    label = name.replace("_", " ")
    mode = {"app_token": " for Socket Mode", "signing_secret": " for HTTP mode (--http)"}
    if not value:
        if not required:
            return None
        raise SlackConfigError(f"the Slack {label} is not set{mode.get(name, '')}",
                               hint=f"Set {variables(name)} to {_WHAT[name]}.")
    if any(ch.isspace() for ch in value):
        raise SlackConfigError(f"the Slack {label} contains spaces or line breaks",
                               hint=f"Set {variables(name)} to exactly {_WHAT[name]}.")
    prefix = _PREFIXES.get(name)
    if prefix and (not value.startswith(prefix) or len(value) <= len(prefix)):
        kind = next((k for p, k in _KINDS.items() if value.startswith(p)), None)
        what = f"it is {kind}" if kind else "it does not start with " + prefix
        raise SlackConfigError(f"the Slack {label} is malformed: {what}",
                               hint=f"Set {variables(name)} to {_WHAT[name]}.")
    return value


def build_client(token: str, api_url: str) -> WebClient:
    """A WebClient on ``api_url`` that retries connection errors and waits out HTTP 429."""
    client = WebClient(token=token, base_url=api_url if api_url.endswith("/") else api_url + "/",
                       timeout=10, logger=logging.getLogger("slack_sdk.web"))
    _add_retry_handlers(client)
    return client


def _add_retry_handlers(client: WebClient) -> None:
    kinds = {type(handler) for handler in client.retry_handlers}
    if ConnectionErrorRetryHandler not in kinds:
        client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=2))
    if RateLimitErrorRetryHandler not in kinds:
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))


def build_app(services: Services, *, client: WebClient | None = None, http: bool) -> App:
    """The bot: Socket Mode (``http=False``) or HTTP mode with request signatures checked."""
    slack = services.context.settings.slack
    tokens = read_tokens(slack, http=http)
    web = client if client is not None else build_client(tokens.bot_token, slack.api_url)
    services.context.use_directory(SlackDirectory(lambda: web))
    _add_retry_handlers(web)
    try:
        app = App(
            name="hypercare", logger=logging.getLogger("hypercare.bot.bolt"), client=web,
            signing_secret=tokens.signing_secret or "", request_verification_enabled=http,
            token_verification_enabled=True,  # auth.test once, now; Bolt keeps the answer
            # HTTP mode: the listener runs in the request's thread and the answer to Slack
            # leaves as soon as it returns; every listener acks and hands its work to the
            # answering threads (error_handler.run_after_ack), so that is at once. (Without
            # it Bolt polls for the ack every 10 ms from another thread.)
            process_before_response=http,
            listener_executor=ThreadPoolExecutor(LISTENER_THREADS,
                                                 thread_name_prefix="hypercare-bot"),
        )
    except (BoltError, SlackClientError, OSError) as exc:
        raise _start_error(web, slack.api_url, exc) from None
    app.error(report_error)

    from hypercare.bot.listeners import register_all

    register_all(app, services)
    return app


def _start_error(web: WebClient, api_url: str, exc: Exception) -> SlackError:
    """A clear error for a failed ``auth.test`` at start (asks again for the error code)."""
    if isinstance(exc, OSError):
        return _unreachable(api_url, exc)
    try:
        web.auth_test()
    except SlackApiError as api_error:
        code = str(api_error.response.get("error", "")) or f"HTTP {api_error.response.status_code}"
        if code in _REFUSED:
            return SlackError(f"Slack refused the bot token ({code})",
                              hint=f"Set {variables('bot_token')} to {_WHAT['bot_token']}; "
                              "reinstall the app to the workspace if the token was revoked.")
        return SlackError(f"Slack's auth.test failed ({code})",
                          hint="Retry in a minute; see https://slack-status.com if it persists.")
    except (SlackClientError, OSError) as other:
        return _unreachable(api_url, other)
    return SlackError(f"the Slack app could not start ({type(exc).__name__})")


def _unreachable(api_url: str, exc: Exception) -> SlackError:
    reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or type(exc).__name__
    return SlackError(f"cannot reach Slack's Web API at {api_url} ({reason})",
                      hint="Check the network, the proxy and SLACK_API_URL / "
                           "HYPERCARE_SLACK__API_URL (unset means https://slack.com/api/).")
