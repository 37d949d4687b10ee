"""Shared pieces of proactive messages: the message, who acted on it, its buttons.

Outbox messages (alerts, digests, minutes) are rendered from semantic payloads by
:mod:`hypercare.bot.alert_blocks` and :mod:`hypercare.bot.digest_blocks`; both build on
this module, and so do the command answers (:mod:`hypercare.bot.blocks`), the Home tab
(:mod:`hypercare.bot.home_blocks`) and the raise form (:mod:`hypercare.bot.raise_blocks`):
:func:`mrkdwn`, :func:`section`, :func:`fields` and :func:`context` take text escaped by
:func:`hypercare.bot.text.escape_text` and cap it; :func:`header`, :func:`option` and
:func:`button` pass theirs through :func:`hypercare.bot.text.plain_text`.
A :class:`SlackMessage` is validated like :class:`hypercare.bot.blocks.Reply`
(slack_sdk's models check Block Kit's lengths in ``to_dict``) and carries a ``thread``:
the continuation posted as replies when the content does not fit one message.

The only mention that may appear in these messages is the one of a person who acted on
it (:func:`mention`, checked against Slack's user-id shape); everything else is escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from hypercare.bot.text import (
    BUTTON_LIMIT,
    FALLBACK_LIMIT,
    FIELD_LIMIT,
    HEADER_LIMIT,
    MAX_BLOCKS,
    OPTION_LIMIT,
    OPTION_VALUE_LIMIT,
    SECTION_LIMIT,
    chunks,
    escape_text,
    plain_text,
    slack_date,
    truncate,
)
from hypercare.text import clean

ACTIONS_BLOCK = "alert_actions"
ACTIVITY_BLOCK = "alert_activity"
"""Block ids: the listeners find the buttons, the tests find the one place with mentions."""
ACK, CLAIM, ESCALATE, SNOOZE = "alert_ack", "alert_claim", "alert_escalate", "alert_snooze"
LINK_KI, CLASSIFY, APPROVE = "alert_link_ki", "alert_classify", "alert_approve"
BUTTONS = {ACK: "Acknowledge", CLAIM: "Claim", ESCALATE: "Escalate", SNOOZE: "Snooze 1 h",
           LINK_KI: "Link to known issue", APPROVE: "Approve"}
CLASSES = (("defect", "Defect"), ("training_gap", "Training gap"),
           ("policy_ambiguity", "Policy ambiguity"))
DONE = {"acknowledged": ACK, "claimed": CLAIM, "approved": APPROVE}
"""An activity (its first word) that removes a button: nobody acknowledges twice."""
ACTIVITY_LINES = 10
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


@dataclass(frozen=True)
class Activity:
    """Someone acted on a message: ``who`` a Slack user id, ``what`` e.g. "acknowledged"."""

    who: str
    what: str
    at: datetime


@dataclass(frozen=True)
class SlackMessage:
    """A message: ``text`` the escaped notification fallback, ``blocks`` validated dicts
    (at most 50), ``thread`` the continuation posted as replies in its thread."""

    text: str
    blocks: tuple[dict[str, Any], ...]
    thread: tuple[SlackMessage, ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        """For ``chat_postMessage(channel=..., **message.as_kwargs())``."""
        return {"text": self.text, "blocks": list(self.blocks)}

    def all_messages(self) -> list[SlackMessage]:
        """This message, then every thread message (in posting order)."""
        return [self, *(m for reply in self.thread for m in reply.all_messages())]


# -- who acted, and the buttons left ---------------------------------------------------------

def mention(who: str) -> str:
    """``<@U123>`` for a Slack user id; anything else is shown as escaped text."""
    return f"<@{who}>" if _USER_ID.match(who or "") else escape_text(who or "someone", 100)


def with_mentions(escaped: str, users: Iterable[str]) -> str:
    """Escaped text in which the mentions of ``users`` (Slack user ids hypercare knows: who
    acted) are live again; any other mention stays as typed."""
    for user in users:
        if _USER_ID.match(user or ""):
            escaped = escaped.replace(f"&lt;@{user}&gt;", f"<@{user}>")
    return escaped


def done_actions(activity: Iterable[Activity]) -> set[str]:
    """The action ids that are done (their button is no longer offered)."""
    done = set()
    for act in activity:
        words = (act.what or "").casefold().split()
        if words and words[0] in DONE:
            done.add(DONE[words[0]])
    return done


def build_activity(activity: Sequence[Activity]) -> ContextBlock | None:
    """One line per action, newest last (the last ten): "Acknowledged by @ann · date"."""
    if not activity:
        return None
    ordered = sorted(activity, key=lambda a: a.at.timestamp())
    shown = ordered[-ACTIVITY_LINES:]
    lines = []
    for act in shown:
        what = escape_text(" ".join((act.what or "acted").split()), 100)
        lines.append(f"{what[:1].upper()}{what[1:]} by {mention(act.who)} · {slack_date(act.at)}")
    if len(ordered) > len(shown):
        lines.insert(0, f"{len(ordered) - len(shown)} earlier actions not shown")
    return ContextBlock(block_id=ACTIVITY_BLOCK, elements=[mrkdwn("\n".join(lines), FIELD_LIMIT)])


def action_value(escalation_id: Any, ref: str) -> str:
    """The compact JSON every button carries: ``{"e": escalation id, "r": "HT00042"}``."""
    number = escalation_id if isinstance(escalation_id, int) else None
    return json.dumps({"e": number, "r": clean(ref, multiline=False)[:100]},
                      separators=(",", ":"))


def build_actions(escalation_id: Any, ref: str, wanted: Sequence[str], *,
                  activity: Sequence[Activity] = (), category: str = "") -> ActionsBlock | None:
    """The buttons in ``wanted`` (and the classify menu) less those already done."""
    value = action_value(escalation_id, ref)
    done = done_actions(activity)
    elements: list[Any] = []
    for action in wanted:
        if action in done:
            continue
        if action == CLASSIFY:
            options = [option(v, label) for v, label in CLASSES]
            chosen = next((o for o in options if o.value == category), None)
            elements.append(StaticSelectElement(action_id=CLASSIFY, placeholder="Classify",
                                                options=options, initial_option=chosen))
            continue
        confirm = None
        if action == APPROVE:
            confirm = ConfirmObject(title="Approve the escalation?", confirm="Approve",
                                    deny="Cancel", text="Its contacts are notified now.")
        elements.append(button(action, BUTTONS[action], value=value,
                               style="primary" if action == APPROVE else None,
                               confirm=confirm))
    if not elements:
        return None
    return ActionsBlock(block_id=ACTIONS_BLOCK, elements=elements)


# -- Block Kit primitives --------------------------------------------------------------------

def mrkdwn(text: str, limit: int = SECTION_LIMIT) -> MarkdownTextObject:
    """mrkdwn that is escaped already, cut to ``limit`` (never inside an escape); verbatim,
    so Slack links or mentions nothing by itself."""
    return MarkdownTextObject(text=truncate(text, limit) or " ", verbatim=True)


def header(text: str, *, emoji: bool = True) -> HeaderBlock:
    """A header of plain text (any text: it is cleaned and cut here; ``:emoji:`` codes shown
    unless ``emoji`` is off)."""
    return HeaderBlock(text=PlainTextObject(text=plain_text(text, HEADER_LIMIT), emoji=emoji))


def section(text: str) -> SectionBlock:
    """A section of escaped mrkdwn."""
    return SectionBlock(text=mrkdwn(text or " ", SECTION_LIMIT))


def fields(pairs: Sequence[tuple[str, str]]) -> list[SectionBlock]:
    """(escaped label, escaped value) pairs as sections of at most ten fields."""
    shown = [mrkdwn(f"*{label}*\n{value or '-'}", FIELD_LIMIT) for label, value in pairs]
    return [SectionBlock(fields=shown[i:i + 10]) for i in range(0, len(shown), 10)]


def context(text: str) -> ContextBlock:
    """A context line of escaped mrkdwn."""
    return ContextBlock(elements=[mrkdwn(text, FIELD_LIMIT)])


def option(value: str, label: str, *, description: str = "") -> Option:
    """A menu or radio-button option: any ``label`` (plain text, cut to 75 characters); the
    ``value`` is hypercare's own (an id), checked against Slack's 150."""
    if len(value) > OPTION_VALUE_LIMIT:
        raise ValueError(f"an option value longer than {OPTION_VALUE_LIMIT} characters")
    return Option(value=value, label=plain_text(label, OPTION_LIMIT),
                  description=plain_text(description, OPTION_LIMIT) if description else None)


def button(action_id: str, label: str, *, value: str | None = None, style: str | None = None,
           confirm: ConfirmObject | None = None) -> ButtonElement:
    """A button: any ``label`` (plain text, cut to 75 characters)."""
    return ButtonElement(action_id=action_id, text=plain_text(label, BUTTON_LIMIT), value=value,
                         style=style, confirm=confirm)


def finish(text: str, blocks: Sequence[Block | None],
           thread: Sequence[SlackMessage] = ()) -> SlackMessage:
    """Validate and freeze; blocks beyond 50 continue in the thread (never dropped)."""
    present = [b for b in blocks if b is not None]
    fallback = escape_text(" ".join(text.split()), FALLBACK_LIMIT) or "hypercare"
    overflow: list[SlackMessage] = []
    if len(present) > MAX_BLOCKS:
        rest = present[MAX_BLOCKS - 1:]
        present = [*present[: MAX_BLOCKS - 1], context("Continued in the thread.")]
        for start in range(0, len(rest), MAX_BLOCKS):
            overflow.append(finish(f"{text} (continued)", rest[start:start + MAX_BLOCKS]))
    # to_dict() runs slack_sdk's validators: an over-long field raises here, in tests.
    return SlackMessage(text=fallback, blocks=tuple(b.to_dict() for b in present),
                        thread=(*overflow, *thread))


# -- reading payloads --------------------------------------------------------------------------

def text_of(payload: Mapping[str, Any], key: str, default: str = "") -> str:
    """A payload value as text (numbers too); ``default`` when absent or empty."""
    value = payload.get(key)
    if value is None or isinstance(value, Mapping | list | tuple):
        return default
    return str(value) or default


def mapping_of(payload: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested object of the payload, or an empty one."""
    value = payload.get(key)
    return value if isinstance(value, Mapping) else {}


def items_of(payload: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """A list of objects of the payload (anything else in it is skipped)."""
    value = payload.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def moment_of(payload: Mapping[str, Any], key: str) -> datetime | None:
    """An ISO timestamp of the payload, or None when absent or unreadable."""
    value = payload.get(key)
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def number(value: Any) -> str:
    """A payload number for people: ``1,234``, ``12.5``; "n/a" when there is none."""
    if value is None or value == "":
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return escape_text(str(value), 40)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def long_text(mrkdwn_text: str, *, first: int) -> tuple[list[str], list[list[str]]]:
    """Escaped text in section-sized pieces: the ``first`` for the message, the rest
    grouped per thread message (at most 50 sections each)."""
    pieces = chunks(mrkdwn_text, SECTION_LIMIT - 20)
    rest = pieces[first:]
    return pieces[:first], [rest[i:i + MAX_BLOCKS] for i in range(0, len(rest), MAX_BLOCKS)]
