"""Delivering outbox messages to Slack: the bot's outbox ``Deliverer``.

Recipients are resolved to channels: a user id (``U...``) gets a DM; a user group (``S...``)
is mentioned in ``slack.alerts_channel``; an escalation level without contacts (``L2``) goes to
that channel too; ``email:ADDRESS`` is looked up (``users.lookupByEmail``) and DMed;
``channel:standup`` / ``channel:pack`` are the configured channels and ``channel:C...`` (or a
bare ``C...``) a channel itself.

Every post carries its idempotency key as message metadata (``hypercare_outbox``), so a
message left in doubt by a crash is found in the channel's history instead of being posted
twice. slack_sdk's retry handlers wait out HTTP 429 (``Retry-After``) and connection errors;
what still fails is reported as :class:`DeliveryFailed`, permanent for errors no retry fixes.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from hypercare.bot.alert_blocks import Activity, SlackMessage, render
from hypercare.bot.text import escape_text, plain_text
from hypercare.services.outbox.delivery import Delivery, DeliveryFailed, Posted

if TYPE_CHECKING:
    from hypercare.config import SlackSettings

log = logging.getLogger(__name__)
_SUBTEAM = re.compile(r"^S[A-Z0-9]+$")
"""A user group's id: the one mention a delivery adds (configured, never outside text)."""
EVENT_TYPE = "hypercare_outbox"
PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "users_not_found", "user_not_found",
    "cannot_dm_bot", "user_disabled", "invalid_blocks", "invalid_blocks_format",
    "msg_too_long", "no_text", "invalid_auth", "not_authed", "account_inactive",
    "token_revoked", "missing_scope", "restricted_action", "no_such_subteam",
    "invalid_metadata_format", "too_many_attachments",
}
HINTS = {
    "not_in_channel": "Invite the bot to the channel (/invite @hypercare), then retry the "
                      "dead letter.",
    "channel_not_found": "Check the channel id in hypercare.toml ([slack] / stand-ups) and "
                         "that the bot can see it.",
    "users_not_found": "This person is not in Slack (or their e-mail differs): reach them "
                       "another way.",
    "missing_scope": "Reinstall the app from slack/manifest.yaml to grant its scopes.",
}


class SlackDeliverer:
    """Renders outbox messages with the Block Kit builders and posts or updates them."""

    def __init__(self, client: WebClient, slack: SlackSettings, *,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._client, self._slack = client, slack
        self._clock = clock or (lambda: datetime.now(UTC))
        self._dms: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- Deliverer ---------------------------------------------------------------------------

    def send(self, delivery: Delivery) -> Posted:
        message = self.render(delivery)
        if delivery.previous is not None:
            try:
                self._call(self._client.chat_update, channel=delivery.previous.channel,
                           ts=delivery.previous.ts, text=message.text,
                           blocks=list(message.blocks))
                return delivery.previous
            except DeliveryFailed as exc:
                if "message_not_found" not in exc.message:
                    raise
                log.info("tracked message deleted in Slack: posting it again")
        channel, mention = self.resolve(delivery.recipient)
        text = f"{mention} {message.text}".strip()
        answer = self._call(self._client.chat_postMessage, channel=channel, text=text,
                            blocks=list(message.blocks),
                            metadata={"event_type": EVENT_TYPE, "event_payload": {
                                "key": delivery.message.idempotency_key}})
        ts = str(answer["ts"])
        posted = Posted(str(answer.get("channel") or channel), ts)
        for part in message.thread:  # long content continues in the thread
            self._call(self._client.chat_postMessage, channel=posted.channel, thread_ts=ts,
                       text=part.text, blocks=list(part.blocks))
        self._upload(delivery, posted)
        return posted

    def _upload(self, delivery: Delivery, posted: Posted) -> None:
        """A pack announcement's files, uploaded in its thread (a missing file is said)."""
        files = delivery.message.payload.get("files") or []
        if delivery.message.kind != "weekly_pack" or not files:
            return
        missing = []
        for item in files:
            path = Path(str(item.get("path", "")))
            if not path.is_file():
                missing.append(path.name)
                continue
            self._call(self._client.files_upload_v2, channel=posted.channel,
                       thread_ts=posted.ts, file=str(path), filename=path.name,
                       title=plain_text(item.get("name") or path.name, 250))
        if missing:
            self._call(self._client.chat_postMessage, channel=posted.channel,
                       thread_ts=posted.ts, text="These files were not found where the pack "
                       f"was written: {escape_text(', '.join(missing), 2000)}. Run "
                       "`hypercare export weekly` again.")

    def find(self, delivery: Delivery, *, since: datetime) -> Posted | None:
        channel, _ = self.resolve(delivery.recipient)
        answer = self._call(self._client.conversations_history, channel=channel,
                            oldest=f"{since.timestamp():.6f}", include_all_metadata=True,
                            limit=200)
        for found in answer.get("messages") or []:
            metadata = found.get("metadata") or {}
            if (metadata.get("event_type") == EVENT_TYPE and
                    (metadata.get("event_payload") or {}).get("key")
                    == delivery.message.idempotency_key):
                return Posted(channel, str(found["ts"]))
        return None

    # -- rendering and recipients ------------------------------------------------------------

    def render(self, delivery: Delivery) -> SlackMessage:
        activity = [Activity(str(a.get("who", "")), str(a.get("what", "")),
                             _when(a.get("at"))) for a in delivery.activity]
        return render(delivery.message.kind, delivery.message.payload, activity=activity,
                      now=self._clock())

    def resolve(self, recipient: str) -> tuple[str, str]:
        """(channel id, mention to put first) for an outbox recipient."""
        target = recipient.strip()
        if target.startswith("channel:"):
            name = target.removeprefix("channel:")
            named = {"standup": self._slack.standup_channel, "pack": self._slack.pack_channel,
                     "alerts": self._slack.alerts_channel}
            channel = named.get(name, name)
            if not channel:
                raise DeliveryFailed(f"no Slack channel is set for {target}", permanent=True,
                                     hint=f"Set slack.{name}_channel in hypercare.toml.")
            return channel, ""
        if target.startswith("email:"):
            return self._dm(self._user_by_email(target.removeprefix("email:"))), ""
        if target[:1] in ("U", "W"):
            return self._dm(target), ""
        if target[:1] in ("C", "G", "D"):
            return target, ""
        alerts = self._slack.alerts_channel
        if not alerts:
            raise DeliveryFailed(f"{target} has no Slack user to write to and "
                                 "slack.alerts_channel is not set", permanent=True,
                                 hint="Set slack.alerts_channel, or give the escalation "
                                      "level Slack user ids as contacts.")
        return alerts, (f"<!subteam^{target}>" if _SUBTEAM.match(target) else "")

    def _dm(self, user: str) -> str:
        with self._lock:
            known = self._dms.get(user)
        if known:
            return known
        answer = self._call(self._client.conversations_open, users=user)
        channel = str(answer["channel"]["id"])
        with self._lock:
            self._dms[user] = channel
        return channel

    def _user_by_email(self, email: str) -> str:
        answer = self._call(self._client.users_lookupByEmail, email=email)
        return str(answer["user"]["id"])

    def _call(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        """One Web API call; Slack's answer or :class:`DeliveryFailed`."""
        try:
            return method(**kwargs)
        except SlackApiError as exc:
            code = str(exc.response.get("error", "")) or f"HTTP {exc.response.status_code}"
            retry_after = None
            if exc.response.status_code == 429:
                retry_after = float(exc.response.headers.get("Retry-After", "60") or 60)
            raise DeliveryFailed(f"Slack answered {code}", permanent=code in PERMANENT,
                                 retry_after=retry_after, hint=HINTS.get(code)) from None
        except (SlackClientError, OSError) as exc:
            raise DeliveryFailed(f"cannot reach Slack ({type(exc).__name__})",
                                 permanent=False) from None


def _when(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)
