"""Raising an issue: the message shortcut, the form's two steps, and the reply in the thread.

Every listener acks first. Local validation errors go back inside the ack (they show in the
form); everything slow (the reporter's e-mail, the message link, Odoo) runs after it, and a
failure there reaches the reporter by DM with what to do, through the bot's one error handler.

The form opens only for someone ``roles.raise`` lets raise (the access authority says; anyone
else is told why, privately). The service checks again on submit: a form opened before the
roles changed, or a forged submit, creates nothing and its sender gets a DM saying why.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from hypercare.bot.error_handler import run_after_ack
from hypercare.bot.listeners.commands import Invocation, Route
from hypercare.bot.raise_blocks import (
    CONFIRM_CALLBACK,
    NEW_TICKET,
    RAISE_CALLBACK,
    build_match_modal,
    build_raise_modal,
    build_raised_reply,
    parse_raise_values,
)
from hypercare.bot.text import SECTION_LIMIT, escape_text
from hypercare.services import RaiseRequest, Services
from hypercare.services.intake.raising import validate

SHORTCUT = "raise_from_message"
NOT_RAISED = "Your issue was not raised"
"""How a failed submit's DM opens (the error handler adds what happened and what to do)."""
log = logging.getLogger(__name__)


class Drafts:
    """Forms between their two steps, by view id (a restart asks the reporter to resend)."""

    def __init__(self, size: int = 500) -> None:
        self._items: OrderedDict[str, RaiseRequest] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def put(self, view_id: str, request: RaiseRequest) -> None:
        with self._lock:
            self._items[view_id] = request
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def take(self, view_id: str) -> RaiseRequest | None:
        with self._lock:
            return self._items.pop(view_id, None)


def open_raise_form(client: WebClient, trigger_id: str, *, channel: str = "",
                    thread_ts: str = "", message_ts: str = "", title: str = "",
                    text: str = "") -> None:
    """Open step 1 (within the trigger's 3 seconds); where to reply rides in the metadata."""
    metadata = json.dumps({"channel": channel, "thread_ts": thread_ts,
                           "message_ts": message_ts})
    client.views_open(trigger_id=trigger_id,
                      view=build_raise_modal(title=title, text=text, metadata=metadata))


def may_raise_or_refuse(services: Services, user: str) -> None:
    """Before opening a form nobody could submit: the access authority's polite refusal
    (:class:`~hypercare.errors.AccessDeniedError`, told by the error handler) unless
    ``user`` may raise."""
    access = services.context.access
    access.require(access.viewer(user), "raise")


def open_from_command(call: Invocation) -> None:
    """``/hypercare raise [TITLE]``: the form, answered in the channel the command came from."""
    may_raise_or_refuse(call.services, call.user_id)
    open_raise_form(call.client, call.trigger_id, channel=call.channel_id,
                    title=call.args[:200])


ROUTE = Route("raise [TITLE]", "raise an issue with a form (matching known issues are offered)",
              open_from_command)


def register(app: App, services: Services) -> None:
    drafts = Drafts()

    @app.shortcut(SHORTCUT)
    def raise_from_message(ack: Any, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        message = shortcut.get("message", {})
        text = str(message.get("text", ""))
        first = text.strip().splitlines()[0] if text.strip() else ""

        def open_form() -> None:
            may_raise_or_refuse(services, str(shortcut["user"]["id"]))
            open_raise_form(
                client, shortcut["trigger_id"], channel=shortcut["channel"]["id"],
                thread_ts=message.get("thread_ts") or message.get("ts", ""),
                message_ts=message.get("ts", ""), title=first[:200], text=text[:3000])

        run_after_ack(open_form, body=shortcut, respond=None, client=client)

    @app.view(RAISE_CALLBACK)
    def first_step(ack: Any, body: dict[str, Any], view: dict[str, Any],
                   client: WebClient) -> None:
        request = parse_raise_values(view["state"]["values"])
        errors = validate(request)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        suggestions = services.known_issues.suggest(title=request.title,
                                                    description=request.what_happened,
                                                    app=request.app)
        if not suggestions:
            ack()
            run_after_ack(lambda: _submit(services, client, body, view, request), body=body,
                          respond=None, client=client, headline=NOT_RAISED)
            return
        workarounds = {k.id: k.workaround for k in services.known_issues.list_issues()}
        drafts.put(view["id"], request)
        ack(response_action="update",
            view=build_match_modal(suggestions, workarounds, metadata=view["private_metadata"]))

    @app.view(CONFIRM_CALLBACK)
    def second_step(ack: Any, body: dict[str, Any], view: dict[str, Any],
                    client: WebClient) -> None:
        ack()
        run_after_ack(lambda: _confirmed(services, client, body, view, drafts), body=body,
                      respond=None, client=client, headline=NOT_RAISED)


def _confirmed(services: Services, client: WebClient, body: dict[str, Any],
               view: dict[str, Any], drafts: Drafts) -> None:
    """Step 2 submitted: a new ticket, or a +1 on the chosen known issue."""
    request = drafts.take(view["id"])
    user = body["user"]["id"]
    if request is None:
        _dm(client, user, "That form waited too long (or hypercare restarted) and its "
            "content is gone: please raise the issue again. Nothing was created.")
        return
    option = view["state"]["values"]["known_issue"]["value"]["selected_option"]["value"]
    if option != NEW_TICKET:
        request = replace(request, known_issue_id=int(option))
    _submit(services, client, body, view, request)


def _submit(services: Services, client: WebClient, body: dict[str, Any], view: dict[str, Any],
            request: RaiseRequest) -> None:
    """After the ack: who raised it, from which message, then one raise per form (a failure,
    a refusal among them, goes to the reporter by DM through the error handler)."""
    user = str(body["user"]["id"])
    viewer = services.context.access.viewer(user)  # name and e-mail from Slack's profile
    where = json.loads(view.get("private_metadata") or "{}")
    link = ""
    if where.get("channel") and where.get("message_ts"):
        try:  # the link to the message is a courtesy: the report goes without it
            link = client.chat_getPermalink(channel=where["channel"],
                                            message_ts=where["message_ts"])["permalink"]
        except SlackApiError as exc:
            log.info("no permalink for the raised message: %s", exc.response.get("error", ""))
    request = replace(request, reporter_email=viewer.email, source_link=str(link))
    raised = services.raising.raise_issue(
        request=request, idempotency_key=f"raise:{view['id']}", viewer=viewer,
        channel=where.get("channel", ""), thread_ts=where.get("thread_ts", ""))
    if raised.duplicate:
        return  # a retried or double-clicked submit: the first one answers
    blocks = build_raised_reply(raised, reporter_id=user, now=services.context.clock(),
                                zone=services.context.settings.timezone)
    fallback = f"{raised.odoo_ref or raised.local_ref}: {raised.message}"
    if where.get("channel"):
        posted = client.chat_postMessage(channel=where["channel"],
                                         thread_ts=where.get("thread_ts") or None,
                                         blocks=blocks, text=_fallback(fallback))
        if not where.get("thread_ts"):  # /hypercare raise: this reply starts the thread
            services.raising.set_thread(raised_id=raised.id, channel=where["channel"],
                                        thread_ts=str(posted["ts"]))
    else:
        _dm(client, user, fallback, blocks=blocks)


def post_delivered(services: Services, client: WebClient) -> int:
    """Reports kept while Odoo was down and created now: their Odoo reference goes to the
    thread they were raised in (or the reporter's DM). Returns how many were posted."""
    created = services.raising.deliver_pending()
    for raised in created:
        blocks = build_raised_reply(raised, reporter_id=raised.reporter,
                                    now=services.context.clock(),
                                    zone=services.context.settings.timezone)
        fallback = f"{raised.local_ref} is now {raised.odoo_ref or 'in Odoo'}"
        if raised.channel:
            client.chat_postMessage(channel=raised.channel, thread_ts=raised.thread_ts or None,
                                    blocks=blocks, text=_fallback(fallback))
        elif raised.reporter:
            _dm(client, raised.reporter, fallback, blocks=blocks)
    return len(created)


def _dm(client: WebClient, user: str, text: str, blocks: list[Any] | None = None) -> None:
    """A direct message: ``text`` (outside text included) is escaped here."""
    channel = client.conversations_open(users=user)["channel"]["id"]
    client.chat_postMessage(channel=channel, text=_fallback(text), blocks=blocks)


def _fallback(text: str) -> str:
    """A message's ``text`` (Slack parses it as mrkdwn and notifies it): escaped, capped."""
    return escape_text(" ".join(text.split()), SECTION_LIMIT) or "hypercare"
