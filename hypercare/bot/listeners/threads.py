"""Following a raised report in its thread: replies to Odoo, Odoo's news to the thread,
and "Resolved here".

A reply in a followed thread (event ``message``, from ``message.channels`` and
``message.groups``) becomes an internal note on the ticket, once per ``event_id`` however
often Slack retries it; a ✔ reaction shows it reached Odoo. A reply from someone
``roles.raise`` does not let write to Odoo is kept as an "also affected" signal (the service
decides): they are told so privately, and a lead may send it on from the Home tab.
:func:`post_thread_updates` (run by the bot's follow-up loop) posts Odoo's public replies and
stage changes into the thread.
The "Resolved here" button (its reporter or a lead) records the report as a training gap
handled locally and closes the ticket in Odoo.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from hypercare.bot.error_handler import run_after_ack
from hypercare.bot.message_blocks import with_mentions
from hypercare.bot.raise_blocks import RESOLVE_ACTION, build_thread_update
from hypercare.bot.text import FALLBACK_LIMIT, SECTION_LIMIT, escape_text
from hypercare.services import Services

log = logging.getLogger(__name__)
NOTED_REACTION = "heavy_check_mark"
_RESOLVER = re.compile(r"^(?:Already marked|Marked) resolved by <@([UW][A-Z0-9]+)>")
UNREACHABLE = {"channel_not_found", "not_in_channel", "is_archived", "thread_not_found",
               "message_not_found"}


def register(app: App, services: Services) -> None:
    @app.event("message")
    def on_message(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        thread_ts = str(event.get("thread_ts") or "")
        if (not thread_ts or thread_ts == event.get("ts") or event.get("bot_id")
                or event.get("subtype") not in (None, "thread_broadcast", "file_share")):
            return  # not a person's reply in a thread
        channel = str(event.get("channel", ""))
        if not services.threads.is_followed(channel=channel, thread_ts=thread_ts):
            return
        run_after_ack(lambda: _note(services, client, body, event, thread_ts), body=body,
                      respond=None, client=client)

    @app.action(RESOLVE_ACTION)
    def resolved_here(ack: Any, body: dict[str, Any], action: dict[str, Any],
                      client: WebClient) -> None:
        ack()
        run_after_ack(lambda: _resolve(services, client, body, action), body=body,
                      respond=None, client=client)


def _note(services: Services, client: WebClient, body: dict[str, Any], event: dict[str, Any],
          thread_ts: str) -> None:
    channel, user = str(event["channel"]), str(event.get("user", ""))
    outcome = services.threads.note_from_thread(
        channel=channel, thread_ts=thread_ts, event_id=str(body.get("event_id", "")),
        viewer=services.context.access.viewer(user), text=str(event.get("text", "")))
    if outcome.state == "posted":
        try:
            client.reactions_add(channel=channel, timestamp=str(event["ts"]),
                                 name=NOTED_REACTION)
        except SlackApiError as exc:  # e.g. already_reacted: the note is in Odoo anyway
            log.info("no reaction on a noted reply: %s", exc.response.get("error", ""))
    elif outcome.message and user:  # held as "also affected", kept for Odoo, or off
        client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts,
                                  text=escape_text(outcome.message, SECTION_LIMIT))


def _resolve(services: Services, client: WebClient, body: dict[str, Any],
             action: dict[str, Any]) -> None:
    user = str(body["user"]["id"])
    channel = str((body.get("channel") or body.get("container") or {}).get("id")
                  or (body.get("container") or {}).get("channel_id", ""))
    message = body.get("message") or {}
    thread_ts = str(message.get("thread_ts") or message.get("ts") or "")
    text = services.threads.resolve(raised_id=int(action["value"]),
                                    viewer=services.context.access.viewer(user))
    if channel:
        # the service names who resolved it (<@U...> first in its sentence): that mention
        # stays live; everything else in the text (the ticket's ref) is escaped
        resolvers = _RESOLVER.findall(text)
        client.chat_postMessage(channel=channel, thread_ts=thread_ts or None,
                                text=with_mentions(escape_text(text, SECTION_LIMIT),
                                                   resolvers))


def post_thread_updates(services: Services, client: WebClient) -> int:
    """Post Odoo's public replies and stage changes into the threads that follow them;
    returns how many threads were told. A thread Slack cannot reach any more is skipped for
    good (the ticket's chatter keeps everything)."""
    told = 0
    for update in services.threads.updates():
        try:
            client.chat_postMessage(channel=update.channel, thread_ts=update.thread_ts,
                                    blocks=build_thread_update(update),
                                    text=escape_text(f"{update.ref}: news from Odoo",
                                                     FALLBACK_LIMIT))
        except SlackApiError as exc:
            code = str(exc.response.get("error", ""))
            if code not in UNREACHABLE:
                raise
            log.warning("thread of %s unreachable (%s): its updates are skipped", update.ref,
                        code)
        else:
            told += 1
        services.threads.mark_posted(raised_id=update.raised_id, up_to=update.last_event_id)
    return told

