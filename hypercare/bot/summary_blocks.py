"""Escalations summarised, not one message each: the baseline and the hourly roll-up.

A **baseline** summary says what was already past its SLA when hypercare started watching
(the worst first); a **roll-up** lists what the hourly cap held back. Both list tickets by
reference and title (a confidential one by reference only), escaped like every other text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block

from hypercare.bot.blocks import CONFIDENTIAL
from hypercare.bot.message_blocks import (
    SlackMessage,
    context,
    finish,
    header,
    items_of,
    mapping_of,
    section,
    text_of,
)
from hypercare.bot.text import escape_text

SHOWN = 10
"""Items listed by name; the rest are counted."""
TUI_ESCALATIONS = "the Escalations screen of the command-center TUI (`E`)"


def build_baseline(payload: Mapping[str, Any]) -> SlackMessage:
    """"37 tickets were already past their SLA when hypercare started watching; the 10
    worst: ...", one line each."""
    items = items_of(payload, "items")
    count = len(items)
    blocks: list[Block | None] = [
        header(f":clipboard: {count} ticket{'' if count == 1 else 's'} already past SLA "
               "when hypercare started watching"),
        section(f"These were breached before hypercare was watching: a baseline, not news. "
                f"The {min(count, SHOWN)} worst:"),
        *[section(_line(item)) for item in items[:SHOWN]],
    ]
    if count > SHOWN:
        blocks.append(section(f"…and {count - SHOWN} more."))
    blocks.append(context(f"They head the next stand-up's agenda; see {TUI_ESCALATIONS}. "
                          "Anything that breaches from now on alerts on its own."))
    shown = ", ".join(_ref(i) for i in items[:SHOWN])
    return finish(f"{count} tickets were already past their SLA when hypercare started "
                  f"watching; the worst: {shown}", blocks)


def build_rollup(payload: Mapping[str, Any]) -> SlackMessage:
    """"12 more escalations since 10:00", one line each: what the hourly cap held back."""
    items = items_of(payload, "items")
    count = len(items)
    since = text_of(payload, "since")[11:16]
    blocks: list[Block | None] = [
        header(f":inbox_tray: {count} more escalation{'' if count == 1 else 's'} since "
               f"{since} UTC"),
        *[section(_line(item)) for item in items[:SHOWN]],
    ]
    if count > SHOWN:
        blocks.append(section(f"…and {count - SHOWN} more."))
    blocks.append(context("Held back by the hourly message cap (escalation.max_per_hour) so "
                          f"this channel stays readable; each is in {TUI_ESCALATIONS}."))
    return finish(f"{count} more escalations since {since} UTC: "
                  + ", ".join(_ref(i) for i in items[:SHOWN]), blocks)


def _ref(item: Mapping[str, Any]) -> str:
    ticket = mapping_of(item, "ticket")
    return text_of(ticket, "ref", f"#{text_of(ticket, 'odoo_id', '?')}")


def _line(item: Mapping[str, Any]) -> str:
    """``*HT00042* S2 · L2 · resolution breached — Invoice cannot be posted``."""
    ticket = mapping_of(item, "ticket")
    ref = escape_text(_ref(item), 40)
    title = (CONFIDENTIAL if ticket.get("confidential")
             else escape_text(text_of(ticket, "title") or text_of(item, "about"), 300))
    level = text_of(item, "level")
    triggers = ", ".join(str(t).replace("_", " ") for t in item.get("triggers") or [])
    facts = " · ".join(p for p in (escape_text(text_of(ticket, "severity"), 10),
                                   f"L{level}" if level else "", escape_text(triggers, 200))
                       if p)
    return f"*{ref}* {facts} — {title}" if facts else f"*{ref}* {title}"
