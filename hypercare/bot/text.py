"""Text for Slack: escaping user text, truncating to Block Kit limits, links and dates.

Slack's rules (https://docs.slack.dev/messaging/formatting-message-text): in ``mrkdwn``
only ``&``, ``<`` and ``>`` need escaping, as ``&amp;``, ``&lt;`` and ``&gt;``; once they
are, ``<!channel>``, ``<!here>``, ``<@U123>``, ``<#C123>`` and ``<http://x|y>`` are shown as
typed and neither ping nor link. A bare ``@channel`` / ``@here`` / ``@everyone`` is also
broken with an invisible word joiner, in case a surface parses it (``verbatim`` off).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

ELLIPSIS = "…"
_JOINER = "\u2060"  # word joiner: invisible, stops "@here" from being read as a mention
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARTIAL_ENTITY = re.compile(r"&[#\w]{0,6}$")


def escape_text(text: str, limit: int | None = None) -> str:
    """User text made safe for ``mrkdwn``: no pings, no injected links, no control
    characters; cut to ``limit`` characters (escapes counted) with an ellipsis."""
    cleaned = _CONTROL.sub("", text or "")
    escaped = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _BROADCAST.sub(lambda m: f"@{_JOINER}{m.group(1)}", escaped)
    return truncate(escaped, limit) if limit is not None else escaped


def plain_text(text: str, limit: int) -> str:
    """User text for a ``plain_text`` object (headers, buttons): one line, cut to ``limit``.
    Slack does not parse plain text for mentions or links; still, ``<`` and ``>`` become
    the look-alikes ``‹ ›`` and ``@here`` is broken, so no client or later edit can."""
    line = " ".join(_CONTROL.sub("", text or "").split())
    line = line.replace("<", "‹").replace(">", "›")
    line = _BROADCAST.sub(lambda m: f"@{_JOINER}{m.group(1)}", line)
    return truncate(line, limit) or "-"


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
    if not url.startswith(("http://", "https://")):
        return shown
    safe = (url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E")
            .replace("|", "%7C").replace(" ", "%20"))
    return f"<{safe}|{shown}>"


def slack_date(when: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """``<!date^EPOCH^{date_short_pretty} {time}|2026-11-23 16:00 UTC>``: each reader
    sees their own local time; the fallback is UTC."""
    moment = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{fmt}|{fallback}>"


def markdown_to_mrkdwn(text: str) -> str:
    """Repository Markdown (runbooks) as Slack ``mrkdwn``: escaped, headings and ``**bold**``
    as ``*bold*``, ``[label](url)`` as links, ``- item`` as bullets."""
    out: list[str] = []
    for raw in escape_text(text).splitlines():
        line = raw.rstrip()
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            out.append(f"*{heading.group(1).strip().strip('*')}*")
            continue
        line = re.sub(r"^(\s*)[-*]\s+", r"\1• ", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"*\1*", line)
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
