"""The buttons on alerts: Acknowledge, Claim, Classify, Escalate, Snooze 1 h, Approve and
Link to known issue.

Each click is acknowledged at once; then the person is resolved into a viewer
(:mod:`hypercare.services.access`) and the service acts for them: it refuses what their role
does not allow (leads classify, escalate and approve; the alert's recipient or a lead
acknowledges, claims and snoozes it; super-users link a ticket to a known issue) before it
changes anything, and the refusal reaches the person through the bot's one error handler as
a polite ephemeral note. Done, the click is logged on the message and the message is
re-rendered in place showing who did what and when.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.models.blocks import InputBlock, StaticSelectElement
from slack_sdk.models.views import View

from hypercare.bot.delivery import SlackDeliverer
from hypercare.bot.error_handler import run_after_ack
from hypercare.bot.message_blocks import option
from hypercare.bot.text import LABEL_LIMIT, plain_text
from hypercare.errors import UsageError
from hypercare.services import Services, Viewer
from hypercare.services.outbox.delivery import Delivery, PostView

ACTIONS = re.compile(r"^alert_(ack|claim|escalate|snooze|classify|approve)$")
LINK_ACTION, LINK_CALLBACK = "alert_link_ki", "alert_link_ki_submit"
CATEGORY_WORDS = {"defect": "defect", "training_gap": "training gap",
                  "policy_ambiguity": "policy ambiguity"}


@dataclass(frozen=True)
class Click:
    """One click on an alert, with the message it came from."""

    viewer: Viewer
    """Who clicked (their Slack user id is ``viewer.id``)."""
    channel: str
    ts: str
    post: PostView
    value: str

    @property
    def payload(self) -> dict[str, Any]:
        return dict(self.post.message.payload) if self.post.message else {}

    @property
    def escalation_id(self) -> int | None:
        found = self.payload.get("escalation_id")
        return int(found) if found is not None else None

    @property
    def ref(self) -> str:
        for key in ("ticket", "known_issue", "decision"):
            record = self.payload.get(key)
            if isinstance(record, dict) and record.get("ref"):
                return str(record["ref"])
        return ""


def register(app: App, services: Services) -> None:
    settings = services.context.settings
    deliverer = SlackDeliverer(app.client, settings.slack, clock=services.context.clock)

    @app.action(ACTIONS)
    def on_alert(ack: Any, body: dict[str, Any], action: dict[str, Any],
                 client: WebClient) -> None:
        ack()
        run_after_ack(lambda: _act(services, deliverer, client, body, action), body=body,
                      respond=None, client=client)

    @app.action(LINK_ACTION)
    def on_link(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        run_after_ack(lambda: _open_link_form(services, client, body), body=body,
                      respond=None, client=client)

    @app.view(LINK_CALLBACK)
    def on_link_submit(ack: Any, body: dict[str, Any], view: dict[str, Any],
                       client: WebClient) -> None:
        ack()
        run_after_ack(lambda: _link(services, deliverer, client, body, view), body=body,
                      respond=None, client=client)


def _click(services: Services, client: WebClient, body: dict[str, Any],
           value: str = "") -> Click | None:
    user = str(body["user"]["id"])
    container = body.get("container") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id", ""))
    ts = str((body.get("message") or {}).get("ts") or container.get("message_ts", ""))
    post = services.delivery.post_at(channel=channel, ts=ts)
    if post is None or post.message is None:
        client.chat_postEphemeral(channel=channel, user=user, text=(
            "hypercare no longer tracks this message; act from the TUI or the newest alert."))
        return None
    return Click(services.context.access.viewer(user), channel, ts, post, value)


def _act(services: Services, deliverer: SlackDeliverer, client: WebClient,
         body: dict[str, Any], action: dict[str, Any]) -> None:
    verb = str(action["action_id"]).removeprefix("alert_")
    chosen = (action.get("selected_option") or {}).get("value") or action.get("value") or ""
    click = _click(services, client, body, str(chosen))
    if click is None:
        return
    done = VERBS[verb](services, click)  # refused (AccessDeniedError) before any change
    _show(services, deliverer, client, click, done)


def _escalation(click: Click) -> int:
    if click.escalation_id is None:
        raise UsageError("this alert is not about an escalation",
                         hint="Act on the ticket from the TUI.")
    return click.escalation_id


def _ack(services: Services, click: Click) -> str:
    services.sla.acknowledge(escalation_id=_escalation(click), viewer=click.viewer)
    return "acknowledged"


def _claim(services: Services, click: Click) -> str:
    services.sla.claim(escalation_id=_escalation(click), viewer=click.viewer)
    return "claimed"


def _snooze(services: Services, click: Click) -> str:
    services.delivery.snooze(channel=click.channel, ts=click.ts, viewer=click.viewer)
    return "snoozed it for 1 h"


def _ticket_ref(click: Click) -> str:
    ticket = click.payload.get("ticket")
    if not isinstance(ticket, dict) or not ticket.get("ref"):
        raise UsageError("only alerts about a ticket can be classified or escalated here",
                         hint="Use the TUI for known issues and decisions.")
    return str(ticket["ref"])


def _classify(services: Services, click: Click) -> str:
    if click.value not in CATEGORY_WORDS:
        raise UsageError(f"unknown category {click.value!r}")
    services.triage.decide(ref=_ticket_ref(click), viewer=click.viewer, category=click.value)
    return f"classified it as a {CATEGORY_WORDS[click.value]}"


def _escalate(services: Services, click: Click) -> str:
    view = services.sla.escalate(ref=_ticket_ref(click), viewer=click.viewer,
                                 reason=f"escalated from Slack by {click.viewer.name}")
    waiting = " (a lead's approval is asked)" if view.status == "pending_approval" else ""
    return f"escalated it to L{view.level}{waiting}"


def _approve(services: Services, click: Click) -> str:
    services.sla.approve(escalation_id=_escalation(click), viewer=click.viewer)
    return "approved the escalation"


VERBS: dict[str, Callable[[Services, Click], str]] = {
    "ack": _ack, "claim": _claim, "snooze": _snooze, "classify": _classify,
    "escalate": _escalate, "approve": _approve}


def _show(services: Services, deliverer: SlackDeliverer, client: WebClient, click: Click,
          done: str) -> None:
    """Log the click on the message and re-render it in place."""
    post = services.delivery.record_activity(channel=click.channel, ts=click.ts,
                                             who=click.viewer.id, what=done)
    assert post.message is not None
    message = deliverer.render(Delivery(post.message, post.recipient, activity=post.activity))
    client.chat_update(channel=click.channel, ts=click.ts, text=message.text,
                       blocks=list(message.blocks))


def _open_link_form(services: Services, client: WebClient, body: dict[str, Any]) -> None:
    click = _click(services, client, body)
    if click is None:
        return
    # a form nobody could submit is not opened: the access authority's refusal instead
    services.context.access.require(click.viewer, "link")
    ref = _ticket_ref(click)
    issues = [k for k in services.known_issues.list_issues() if k.status != "resolved"][:100]
    if not issues:
        client.chat_postEphemeral(channel=click.channel, user=click.viewer.id,
                                  text="There is no open known issue to link to yet.")
        return
    options = [option(str(k.id), f"{k.ref} {k.title}") for k in issues]
    view = View(type="modal", callback_id=LINK_CALLBACK, title="Link to known issue",
                submit="Link", close="Cancel",
                private_metadata=json.dumps({"channel": click.channel, "ts": click.ts}),
                blocks=[InputBlock(block_id="known_issue",
                                   label=plain_text(f"Which known issue is {ref}?", LABEL_LIMIT),
                                   element=StaticSelectElement(action_id="value",
                                                               options=options))])
    client.views_open(trigger_id=str(body["trigger_id"]), view=view)


def _link(services: Services, deliverer: SlackDeliverer, client: WebClient,
          body: dict[str, Any], view: dict[str, Any]) -> None:
    where = json.loads(view.get("private_metadata") or "{}")
    chosen = view["state"]["values"]["known_issue"]["value"]["selected_option"]["value"]
    fake = {"user": body["user"], "channel": {"id": where.get("channel", "")},
            "message": {"ts": where.get("ts", "")}}
    click = _click(services, client, fake)
    if click is None:
        return
    services.known_issues.link(known_issue_id=int(chosen), ref=_ticket_ref(click),
                               viewer=click.viewer)
    _show(services, deliverer, client, click, f"linked it to KI-{int(chosen)}")
