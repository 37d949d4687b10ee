"""The daily digest, stand-up minutes and the weekly steering pack as Slack messages.

The main message stays short (counts, what needs attention, when the stand-up is); long
content (hundreds of groups, long minutes) goes in the message's thread, split over as many
messages as Block Kit needs. Payloads are the outbox's semantic JSON (``digest`` from
``hypercare.services.kpi.digest``, ``standup_minutes`` from ``hypercare.services.standup.meeting``,
``weekly_pack``); everything read from them is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import Block

from hypercare.bot.blocks import CONFIDENTIAL, SLA_LABELS
from hypercare.bot.message_blocks import (
    SlackMessage,
    context,
    fields,
    finish,
    header,
    items_of,
    moment_of,
    number,
    section,
    text_of,
)
from hypercare.bot.text import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    chunks,
    escape_text,
    link,
    markdown_to_mrkdwn,
    slack_date,
    slack_moment,
    truncate,
)
from hypercare.triage.sla_text import due_text

__all__ = ["build_digest", "build_minutes", "build_weekly_pack", "group_table", "trend"]

TOP = 10
COUNTS = 20
GROUP_SECTIONS = 10
"""Table sections per thread message (about 40 groups each)."""
NAME_WIDTH = 48
CELL_WIDTH = 9
COLUMNS = (("open", "Open"), ("breached", "Breached"), ("at_risk", "At risk"), ("new", "New"))
SLA_MARKS = {"breached": ":red_circle: ", "at_risk": ":large_orange_circle: "}
_SEPARATOR_ROW = re.compile(r"^\|[\s:|-]+\|$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def trend(value: Any, previous: Any) -> str:
    """``▲ +3``, ``▼ -2`` or ``=`` against the previous value; "" when there is none."""
    numeric = (int, float)
    if (isinstance(value, bool) or isinstance(previous, bool)
            or not isinstance(value, numeric) or not isinstance(previous, numeric)):
        return ""
    change = value - previous
    if change > 0:
        return f"▲ +{number(change)}"
    if change < 0:
        return f"▼ -{number(-change)}"
    return "="


# -- the daily digest ------------------------------------------------------------------------

def build_digest(payload: Mapping[str, Any]) -> SlackMessage:
    """Counts with trends, the top ten to look at, the stand-up time; groups in the thread."""
    scope = text_of(payload, "scope", "all companies")
    blocks: list[Block | None] = [header(f":sunrise: Hypercare digest · {scope}")]
    generated = moment_of(payload, "generated_at")
    if generated is not None:
        blocks.append(context(f"As of {slack_date(generated)}"))
    counts = items_of(payload, "counts")[:COUNTS]
    blocks.extend(fields([(escape_text(text_of(c, "label", text_of(c, "key")), 100),
                           " ".join(p for p in (number(c.get("value")),
                                                trend(c.get("value"), c.get("previous"))) if p))
                          for c in counts]))
    top = items_of(payload, "top")
    shown = top[:TOP]
    more = len(top) - len(shown) + _count(payload.get("more"))
    if shown:
        blocks.append(section(f"*Needs attention* ({len(shown) + more})"))
        local = moment_of(payload, "standup_at")  # in the stand-up's timezone
        blocks.extend(section(_top_line(item, generated, local)) for item in shown)
    else:
        blocks.append(section("Nothing needs attention right now."))
    if more:
        blocks.append(section(f"…and {more:,} more need attention: open the TUI queue "
                              "(`hypercare tui`)."))
    groups = items_of(payload, "groups")
    if groups:
        blocks.append(context(f"{len(groups):,} groups (open, breached, at risk, new) are in "
                              "the thread."))
    standup = moment_of(payload, "standup_at")
    if standup is not None:
        blocks.append(section(f":spiral_calendar_pad: Stand-up at {slack_date(standup)}"))
    summary = ", ".join(f"{text_of(c, 'label', text_of(c, 'key'))} {number(c.get('value'))}"
                        for c in counts[:6])
    return finish(f"Hypercare digest ({scope}): {summary}", blocks,
                  _group_messages(groups, scope))


def group_table(groups: Sequence[Mapping[str, Any]]) -> list[str]:
    """The groups as monospace table sections (each a ``` block of at most 3,000 chars)."""
    head = "Group".ljust(NAME_WIDTH) + "".join(label.rjust(CELL_WIDTH) for _, label in COLUMNS)
    room = SECTION_LIMIT - len(head) - 10
    pieces: list[str] = []
    rows: list[str] = []
    used = 0
    for group in groups:
        # one line, and no backtick to close the ``` block early
        name = truncate(" ".join(text_of(group, "name", "(none)").split()).replace("`", "ˋ"),
                        NAME_WIDTH)
        cells = "".join(truncate(number(group.get(key)), CELL_WIDTH - 1).rjust(CELL_WIDTH)
                        for key, _ in COLUMNS)
        row = escape_text(name.ljust(NAME_WIDTH)) + cells
        if rows and used + len(row) + 1 > room:
            pieces.append("```\n" + "\n".join([head, *rows]) + "\n```")
            rows, used = [], 0
        rows.append(row)
        used += len(row) + 1
    if rows:
        pieces.append("```\n" + "\n".join([head, *rows]) + "\n```")
    return pieces


def _group_messages(groups: Sequence[Mapping[str, Any]], scope: str) -> list[SlackMessage]:
    pieces = group_table(groups)
    messages = []
    for start in range(0, len(pieces), GROUP_SECTIONS):
        part = pieces[start:start + GROUP_SECTIONS]
        page = f"{start // GROUP_SECTIONS + 1} of {-(-len(pieces) // GROUP_SECTIONS)}"
        messages.append(finish(f"Digest by group ({scope}), part {page}",
                               [context(f"By group, part {page}"),
                                *(section(piece) for piece in part)]))
    return messages


def _top_line(item: Mapping[str, Any], generated: datetime | None,
              local: datetime | None) -> str:
    ref = text_of(item, "ref", "?")[:40]
    shown = link(text_of(item, "url"), ref)
    title = CONFIDENTIAL if item.get("confidential") else escape_text(text_of(item, "title"), 300)
    state = text_of(item, "sla_state")
    facts = [f"*{escape_text(text_of(item, 'severity'), 10)}*" if text_of(item, "severity")
             else "", SLA_MARKS.get(state, "") + escape_text(SLA_LABELS.get(state, state), 40)]
    due = moment_of(item, "due_at")
    if due is not None:  # the SLA formatter's, "today" as the stand-up's timezone has it
        now = generated or due
        zone = (local or now).tzinfo or UTC
        facts.append(due_text(due, now=now, zone=zone, moment=slack_moment(zone)))
    why = escape_text(text_of(item, "why"), 500)
    line = f"*{shown}* {title}\n" + " · ".join(f for f in facts if f.strip())
    return line + (f"\n_{why}_" if why.strip() else "")


def _count(value: Any) -> int:
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


# -- stand-up minutes ------------------------------------------------------------------------

def build_minutes(payload: Mapping[str, Any]) -> SlackMessage:
    """The minutes (Markdown) as mrkdwn sections; what does not fit goes in the thread."""
    scope = text_of(payload, "scope", "all")
    text = text_of(payload, "markdown").strip()
    title = f"Stand-up minutes: {scope}"
    if text.startswith("# "):
        first, _, text = text.partition("\n")
        title = first[2:].strip() or title
    # the minutes hold ticket titles and decisions: no Markdown link in them becomes a link
    pieces = chunks(_tables(markdown_to_mrkdwn(text.strip(), links=False)), SECTION_LIMIT)
    if not pieces:
        pieces = ["No minutes were recorded."]
    room = MAX_BLOCKS - 2  # the header, and the pointer to the thread
    main, rest = pieces[:room], pieces[room:]
    blocks: list[Block | None] = [header(title), *(section(p) for p in main)]
    if rest:
        blocks.append(context("The minutes continue in the thread."))
    thread = [finish(f"{title} (continued)", [section(p) for p in rest[i:i + MAX_BLOCKS]])
              for i in range(0, len(rest), MAX_BLOCKS)]
    return finish(title, blocks, thread)


def _tables(text: str) -> str:
    """Markdown table rows as ``a · b · c`` lines (Slack has no tables); rulers dropped."""
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            if _SEPARATOR_ROW.match(stripped):
                continue
            cells = [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(stripped[1:-1])]
            line = " · ".join(c for c in cells if c)
        out.append(line)
    return "\n".join(out)


# -- the weekly steering pack ----------------------------------------------------------------

def build_weekly_pack(payload: Mapping[str, Any]) -> SlackMessage:
    """A short announcement of the week's pack: headline numbers, summary, the files."""
    week = text_of(payload, "week", "this week")
    blocks: list[Block | None] = [header(f":bar_chart: Weekly steering pack · {week}")]
    headline = items_of(payload, "headline")[:COUNTS]
    blocks.extend(fields([(escape_text(text_of(h, "label"), 100),
                           " ".join(p for p in (number(h.get("value")), _delta(h.get("delta")))
                                    if p)) for h in headline]))
    raw_summary = payload.get("summary")
    summary = [str(s) for s in raw_summary if s] if isinstance(raw_summary, list) else []
    lines = "\n".join(f"• {escape_text(s, 500)}" for s in summary[:15])
    blocks.extend(section(p) for p in chunks(lines, SECTION_LIMIT)[:3])
    url = text_of(payload, "url")
    if url.startswith(("http://", "https://")):
        blocks.append(section(link(url, f"Open the {week} pack")))
    files = [f"{escape_text(text_of(f, 'name'), 100)} ({escape_text(text_of(f, 'format'), 20)})"
             for f in items_of(payload, "files")[:10]]
    if files:
        blocks.append(context("Files, posted with this message: " + ", ".join(files)))
    first = summary[0] if summary else ""
    return finish(f"Weekly steering pack {week}" + (f": {first}" if first else ""), blocks)


def _delta(value: Any) -> str:
    if isinstance(value, bool) or value is None or value == "":
        return ""
    if isinstance(value, int | float):
        return trend(value, 0)
    return escape_text(str(value), 40)

