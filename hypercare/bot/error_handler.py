"""The bot's one error handler: what a person is told when answering fails.

A :class:`~hypercare.errors.HypercareError` (a ticket not found, Odoo down, a setting
missing, a refusal of :mod:`hypercare.services.access` as an
:class:`~hypercare.errors.AccessDeniedError`) is told to the person once, privately, with its
hint. Anything else is logged (its type and Slack error code only: no payloads, no tokens)
and answered with a short apology, so nobody waits for an answer that never comes.

Privately means: through the request's ``response_url`` when it has one (slash commands),
as an ephemeral message in the channel it came from (buttons on messages), and by direct
message when it came from no channel (a form's submit, a button on the Home tab).

A request that came over HTTP is answered only when :mod:`hypercare.bot.http_server`'s gate
verified Slack's signature on it: a forged body's ``response_url`` is never called.

``report_error`` is installed as ``app.error``; listeners run their work after ``ack()``
through :func:`run_after_ack`, which hands a failure to the same function. They must not
let it reach Bolt: Bolt's thread runner, when a listener raises within its 10 ms polling
interval after ``ack()``, resets the ack and answers the request with a 404 (Slack then
shows the person a timeout) — slack-bolt 1.30, ``listener/thread_runner.py``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError, SlackClientError

from hypercare.bot.blocks import Reply, build_error
from hypercare.bot.http_server import is_verified
from hypercare.errors import HypercareError

if TYPE_CHECKING:
    from slack_bolt import BoltRequest, Respond
    from slack_sdk import WebClient

log = logging.getLogger("hypercare.bot")


def report_error(error: Exception, body: dict[str, Any], respond: Respond | None,
                 client: WebClient | None, request: BoltRequest | None = None) -> None:
    """Tell the person what went wrong (``app.error``; Bolt injects the arguments by name)."""
    if request is not None and request.mode == "http" and not is_verified(request.headers):
        log.warning("not answering an unverified request (%s)", type(error).__name__)
        return
    _report(error, body, respond, client)


def _report(error: Exception, body: dict[str, Any], respond: Respond | None,
            client: WebClient | None, headline: str = "") -> None:
    lead = f"{headline}: " if headline else ""
    if isinstance(error, HypercareError):
        reply = build_error(lead + error.message, error.hint)
        log.info("answered with an error: %s", error.message)
    else:
        code = error.response.get("error", "") if isinstance(error, SlackApiError) else ""
        log.error("listener failed: %s%s", type(error).__name__, f" ({code})" if code else "")
        log.debug("listener failure", exc_info=error)
        reply = build_error(lead + "something went wrong while answering",
                            "It is logged for the command center; try again in a minute.")
    _tell(reply, body, respond, client)


AFTER_ACK_THREADS = 4
"""Threads answering after the ack: acknowledgements never wait behind answers (under a
burst of requests every ack is sent first, then the answers follow in arrival order). Few, so
that answers (CPU under the GIL) leave the acks their share: bench/bot_bench.py measured ack
p95 75 ms with 2, 96 ms with 4 and 122 ms with 8 for 50 simultaneous commands; four still
let a slow Odoo round trip or two run while a raise form opens within Slack's 3 seconds."""
_answers: ThreadPoolExecutor | None = None
_answers_lock = threading.Lock()


def run_after_ack(work: Callable[[], None], *, body: dict[str, Any],
                  respond: Respond | None, client: WebClient | None,
                  headline: str = "") -> None:
    """Run a listener's work after its ``ack()``, on the answering threads, so the listener
    returns (and Slack gets its acknowledgement) at once; a failure goes to
    :func:`report_error` (``headline`` opens the answer: "Your issue was not raised")."""

    def answer() -> None:
        try:
            work()
        except Exception as error:  # every failure is told to the person, once
            _report(error, body, respond, client, headline)

    _answering().submit(answer)


def _answering() -> ThreadPoolExecutor:
    global _answers
    with _answers_lock:
        if _answers is None:
            _answers = ThreadPoolExecutor(AFTER_ACK_THREADS, thread_name_prefix="hypercare-answer")
        return _answers


def _tell(reply: Reply, body: dict[str, Any], respond: Respond | None,
          client: WebClient | None) -> None:
    try:
        if respond is not None and respond.response_url:
            respond(**reply.as_kwargs(), response_type="ephemeral")
            return
        event = body.get("event") or {}  # Events API: a thread reply, the Home tab opened
        user = (body.get("user_id") or (body.get("user") or {}).get("id")
                or event.get("user"))
        channel = (body.get("channel_id") or (body.get("channel") or {}).get("id")
                   or (body.get("container") or {}).get("channel_id") or event.get("channel"))
        if client is None or not user:
            return
        if channel:
            client.chat_postEphemeral(channel=channel, user=user,
                                      thread_ts=event.get("thread_ts") or None,
                                      **reply.as_kwargs())
        else:  # a form's submit or a Home tab button: no channel to answer in
            direct = client.conversations_open(users=user)["channel"]["id"]
            client.chat_postMessage(channel=direct, **reply.as_kwargs())
    except (SlackClientError, OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("could not tell the person about an error: %s", type(exc).__name__)
