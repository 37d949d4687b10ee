"""Text for Slack: escaping outside text, truncating to Block Kit limits, links and dates.

Every text hypercare did not write itself (ticket titles and descriptions, names, company and
team names, known issues and their workarounds, decision questions, Odoo replies, runbooks,
error messages) reaches a Slack payload through one of two functions of this module, both
built on :func:`hypercare.text.clean` (control characters and bidirectional overrides
removed, even from text stored before intake cleaned it):

* :func:`escape_text` for ``mrkdwn`` (sections, fields, context lines, the fallback ``text``);
* :func:`plain_text` for ``plain_text`` objects (headers, buttons, options, labels, modal
  titles), with :func:`input_value` for the initial value of a text input.

Slack's rules (https://docs.slack.dev/messaging/formatting-message-text): in ``mrkdwn``
only ``&``, ``<`` and ``>`` need escaping, as ``&amp;``, ``&lt;`` and ``&gt;``; once they
are, ``<!channel>``, ``<!here>``, ``<@U123>``, ``<#C123>`` and ``<http://x|y>`` are shown as
typed and neither ping nor link. A bare ``@channel`` / ``@here`` / ``@everyone`` is also
broken with an invisible word joiner, in case a surface parses it (``verbatim`` off).
Lengths are capped after escaping (an escape counts as its five characters, never cut in
half), with an ellipsis where text was cut; the Block Kit limits are named below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from hypercare.text import clean, shorten

ELLIPSIS = "…"

MAX_BLOCKS = 50
"""Blocks per message."""
SECTION_LIMIT = 3000
"""Characters of a section's text."""
FIELD_LIMIT = 2000
"""Characters of a section field and of a context line (Slack allows 3,000 for context)."""
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
OPTION_LIMIT = 75
"""Characters of an option's text (select menus, radio buttons, checkboxes)."""
OPTION_VALUE_LIMIT = 150
LABEL_LIMIT = 2000
"""Characters of an input block's label."""
FALLBACK_LIMIT = 500
"""Characters of a message's fallback ``text``: the notification, which shows less (Slack
takes 4,000)."""

_JOINER = "\u2060"  # word joiner: invisible, stops "@here" from being read as a mention
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_PARTIAL_ENTITY = re.compile(r"&[#\w]{0,6}$")


def escape_text(text: object, limit: int | None = None) -> str:
    """Outside text made safe for ``mrkdwn``: cleaned (:func:`hypercare.text.clean`), no
    pings, no injected links; cut to ``limit`` characters (escapes counted) with an
    ellipsis. The one way outside text reaches a ``mrkdwn`` field."""
    cleaned = clean(text)
    escaped = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _BROADCAST.sub(lambda m: f"@{_JOINER}{m.group(1)}", escaped)
    return truncate(escaped, limit) if limit is not None else escaped


def plain_text(text: object, limit: int) -> str:
    """Outside text for a ``plain_text`` object (headers, buttons, options, labels, titles):
    cleaned, one line, cut to ``limit``. Slack does not parse plain text for mentions or
    links; still, ``<`` and ``>`` become the look-alikes ``‹ ›`` and ``@here`` is broken, so
    no client or later edit can."""
    line = clean(text, multiline=False)
    line = line.replace("<", "‹").replace(">", "›")
    line = _BROADCAST.sub(lambda m: f"@{_JOINER}{m.group(1)}", line)
    return shorten(line, limit) or "-"  # plain text holds no escape to keep whole


def input_value(text: object, limit: int, *, multiline: bool = False) -> str:
    """Outside text as the initial value of a plain-text input: cleaned and cut to the
    input's ``max_length`` with an ellipsis, otherwise as typed (the person edits it and
    submits it back, so nothing is replaced)."""
    return shorten(clean(text, multiline=multiline), limit)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, never inside an escape
    (``&amp;``) or a ``<...>`` link or date."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    cut = _PARTIAL_ENTITY.sub("", cut)
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    return cut.rstrip() + ELLIPSIS


def link(url: str, label: str) -> str:
    """A ``<url|label>`` link for an http(s) URL (the label escaped); the label alone
    for anything else."""
    shown = escape_text(label).replace("|", "/")
    url = clean(url, multiline=False)
    if not url.startswith(("http://", "https://")):
        return shown
    safe = (url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E")
            .replace("|", "%7C").replace(" ", "%20"))
    return f"<{safe}|{shown}>"


def slack_date(when: datetime, fmt: str = "{date_short_pretty} {time}", *,
               fallback: str = "") -> str:
    """``<!date^EPOCH^{date_short_pretty} {time}|2026-11-23 16:00 UTC>``: each reader
    sees their own local time; the fallback (where Slack cannot show the token) is UTC
    unless given."""
    moment = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    shown = (escape_text(fallback, 60).replace("|", "/") if fallback
             else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    return f"<!date^{int(moment.timestamp())}^{fmt}|{shown}>"


def slack_moment(zone: str | tzinfo) -> Callable[[datetime, str], str]:
    """Moments for the SLA formatter (:mod:`hypercare.triage.sla_text`) as ``<!date>``
    tokens: each reader sees their own local time; the fallback is the formatter's text in
    ``zone`` with the zone's abbreviation (``Tue 1 Dec 17:00 CET``)."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone

    def render(moment: datetime, text: str) -> str:
        return slack_date(moment, fallback=f"{text} {moment.astimezone(tz):%Z}".strip())

    return render


def markdown_to_mrkdwn(text: str, *, links: bool = True) -> str:
    """Markdown as Slack ``mrkdwn``: escaped, headings and ``**bold**`` as ``*bold*``,
    ``- item`` as bullets, and ``[label](url)`` as links when ``links`` (repository
    runbooks; not for Markdown that holds outside text, e.g. stand-up minutes)."""
    out: list[str] = []
    for raw in escape_text(text).splitlines():
        line = raw.rstrip()
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            out.append(f"*{heading.group(1).strip().strip('*')}*")
            continue
        line = re.sub(r"^(\s*)[-*]\s+", r"\1• ", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"*\1*", line)
        if links:
            line = re.sub(r"\[([^\]]+)\]\((https?://[^)\s|]+)\)", r"<\2|\1>", line)
        out.append(line)
    return "\n".join(out)


def chunks(text: str, limit: int) -> list[str]:
    """``text`` split at line ends into pieces of at most ``limit`` characters."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        line = truncate(line, limit)  # one line longer than a piece is cut
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]
