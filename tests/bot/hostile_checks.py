"""Checks every Slack payload built from hostile text must pass (issue 21).

A message (fallback ``text`` and blocks) or a view is re-validated by slack_sdk's models and
held to Block Kit's limits; no string in it holds a raw control character, a raw ``<script``
or an unbroken ``@channel``; no ``mrkdwn`` text and no fallback holds a live mention (the
mentions hypercare puts there on purpose, e.g. the person who acted, are passed as
``allowed``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from hypercare.bot.alert_blocks import SlackMessage
from tests.support.hostile import LIVE_MENTION, raw_controls

MAX_BLOCKS, VIEW_BLOCKS = 50, 100
HEADER, SECTION, FIELD, CONTEXT = 150, 3000, 2000, 3000
BUTTON, OPTION, OPTION_VALUE, MODAL_TITLE, LABEL = 75, 75, 150, 24, 2000
FALLBACK = 4000
BROADCAST = re.compile(r"(?<![\w\u2060])@(channel|here|everyone)\b", re.IGNORECASE)
"""A bare broadcast word no joiner broke."""


HIDDEN = ("initial_value", "value", "private_metadata")
"""Strings Slack never renders as text: an input's initial value (what the person typed, to
edit and submit back), a button's or option's value, a view's metadata."""


def strings(node: Any, *, shown_only: bool = False) -> Iterator[str]:
    """Every string value in Block Kit JSON (``shown_only``: not those in :data:`HIDDEN`)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            if shown_only and key in HIDDEN:
                continue
            yield from strings(value, shown_only=shown_only)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from strings(item, shown_only=shown_only)


def text_objects(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every ``mrkdwn`` and ``plain_text`` object, in order."""
    if isinstance(node, Mapping):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from text_objects(item)


def _text(node: Any) -> str:
    return str((node or {}).get("text", "")) if isinstance(node, Mapping) else str(node or "")


def _limits(node: Any) -> None:
    """Block Kit's lengths, wherever the object is nested."""
    if isinstance(node, list | tuple):
        for item in node:
            _limits(item)
        return
    if not isinstance(node, Mapping):
        return
    kind = node.get("type")
    if kind == "header":
        assert len(_text(node["text"])) <= HEADER, "header"
    elif kind == "section":
        assert len(_text(node.get("text"))) <= SECTION, "section text"
        assert len(node.get("fields", [])) <= 10
        assert all(len(_text(f)) <= FIELD for f in node.get("fields", [])), "field"
    elif kind == "context":
        assert len(node["elements"]) <= 10
        assert all(len(_text(e)) <= CONTEXT for e in node["elements"]), "context"
    elif kind == "button":
        assert len(_text(node["text"])) <= BUTTON, "button"
    elif kind == "input":
        assert len(_text(node["label"])) <= LABEL, "label"
        element = node.get("element") or {}
        if element.get("type") == "plain_text_input" and element.get("initial_value"):
            assert len(element["initial_value"]) <= element.get("max_length", 3000)
    for key in ("options", "initial_options"):
        for item in node.get(key) or []:
            assert len(_text(item["text"])) <= OPTION, f"option text {_text(item['text'])!r}"
            assert len(item["value"]) <= OPTION_VALUE, "option value"
    if isinstance(node.get("initial_option"), Mapping):
        assert len(_text(node["initial_option"]["text"])) <= OPTION
    for value in node.values():
        if isinstance(value, Mapping | list | tuple):
            _limits(value)


def _no_live_mention(text: str, allowed: Sequence[str], where: str) -> None:
    for mention in allowed:
        text = text.replace(mention, "")
    found = LIVE_MENTION.search(text)
    assert found is None, f"live mention {found.group()!r} in {where}: {text[:300]!r}"


def check_blocks(blocks: Sequence[Any], *, limit: int = MAX_BLOCKS,
                 allowed: Sequence[str] = ()) -> str:
    """Blocks valid and safe; returns every text shown, one per line."""
    raws = [b.to_dict() if isinstance(b, Block) else b for b in blocks]
    assert 1 <= len(raws) <= limit, f"{len(raws)} blocks"
    for raw in raws:
        parsed = Block.parse(raw)
        assert parsed is not None, raw
        parsed.validate_json()  # slack_sdk's own Block Kit checks
    _limits(raws)
    for value in strings(raws):
        assert not raw_controls(value), (raw_controls(value), value[:200])
    for value in strings(raws, shown_only=True):
        assert "<script" not in value.lower(), value[:200]
        assert not BROADCAST.search(value), value[:200]
    for obj in text_objects(raws):
        if obj["type"] == "mrkdwn":
            _no_live_mention(obj["text"], allowed, "mrkdwn")
    return "\n".join(obj["text"] for obj in text_objects(raws))


def check_fallback(text: str, *, allowed: Sequence[str] = ()) -> None:
    """A message's ``text``: Slack parses it as mrkdwn and notifies it."""
    assert 0 < len(text) <= FALLBACK, len(text)
    assert not raw_controls(text), raw_controls(text)
    assert "<script" not in text.lower() and not BROADCAST.search(text), text[:200]
    _no_live_mention(text, allowed, "fallback text")


def check_message(text: str, blocks: Sequence[Any] | None, *,
                  allowed: Sequence[str] = ()) -> str:
    """One message as posted (``blocks`` may be None for a text-only message)."""
    check_fallback(text, allowed=allowed)
    if blocks is None:
        return text
    return text + "\n" + check_blocks(blocks, allowed=allowed)


def check_slack_message(message: SlackMessage, *, allowed: Sequence[str] = ()) -> str:
    """A rendered outbox message and every message of its thread."""
    return "\n".join(check_message(m.text, m.blocks, allowed=allowed)
                     for m in message.all_messages())


def check_view(view: View | Mapping[str, Any], *, allowed: Sequence[str] = ()) -> str:
    """A modal or Home tab: valid by slack_sdk, title within 24, blocks safe."""
    raw = view.to_dict() if isinstance(view, View) else dict(view)
    known = {k: v for k, v in raw.items() if k not in ("id", "team_id", "hash", "state")}
    View(**known).validate_json()
    for key in ("title", "submit", "close"):
        if raw.get(key):
            assert len(_text(raw[key])) <= MODAL_TITLE, key
    assert len(raw.get("private_metadata") or "") <= 3000
    return check_blocks(raw["blocks"], limit=VIEW_BLOCKS, allowed=allowed)
