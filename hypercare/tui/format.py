"""How the TUI writes times, clocks, categories and severities (pure helpers)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

from hypercare.text import ELLIPSIS, one_line
from hypercare.triage.labels import CATEGORY_LABELS as CATEGORY_LABELS
from hypercare.triage.labels import category_label as category_label
from hypercare.triage.labels import severity_label as severity_label
from hypercare.triage.sla_text import when_text

CATEGORY_STYLES = {
    "defect": "bold red",
    "training_gap": "cyan",
    "policy_ambiguity": "magenta",
}
SLA_STYLES = {
    "breached": "bold white on dark_red",
    "at_risk": "black on dark_orange",
    "paused": "dim",
    "met": "green",
    "on_track": "",
}
SLA_LABELS = {
    "breached": "BREACHED",
    "at_risk": "at risk",
    "paused": "paused",
    "met": "met",
    "on_track": "on track",
    "none": "no SLA",
    "": "-",
}
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
EVENT_LABELS = {
    "stage_changed": "stage changed",
    "public_reply": "reply by agent",
    "customer_message": "reply by customer",
    "internal_note": "internal note",
    "standup_decision": "stand-up decision",
}
"""How the event log names a kind of event (any other kind: its name in words)."""
CHATTER_LABELS = {
    "public_reply": "reply by agent",
    "customer_message": "reply by customer",
    "internal_note": "internal note",
    "tracking": "field change",
    "system": "system message",
}
"""How Odoo's chatter names a kind of message (:class:`~hypercare.services.ChatterView`)."""
KEY_NAMES = {"slash": "/", "question_mark": "?", "left_square_bracket": "[",
             "right_square_bracket": "]"}
"""Keys whose binding name is not what is printed on them."""


def key_label(keys: str) -> str:
    """A binding's keys as printed on the keyboard: ``question_mark,f1`` -> ``?,f1``."""
    return ",".join(KEY_NAMES.get(key, key) for key in keys.split(","))


def event_label(kind: str) -> str:
    """``reply by agent``, ``stand-up decision``: an event log entry's kind in words."""
    return EVENT_LABELS.get(kind, kind.replace("_", " "))


def chatter_label(kind: str) -> str:
    """``reply by agent``, ``reply by customer``, ``internal note``: a chatter message's kind
    in words (who wrote it is in the kind: a reply by an employee is the agent's)."""
    return CHATTER_LABELS.get(kind, kind.replace("_", " "))


def cut_middle(value: str, cells: int) -> str:
    """``value`` on one line in at most ``cells`` cells, cut in the middle so its start and
    its end both show: ``Acme…ies BE`` and ``Acme…ies US`` stay apart where cutting the end
    would show ``Acme Industr`` twice. Cleaned (:func:`hypercare.text.one_line`); only the
    two ends of a long value are looked at."""
    if cells <= 0:
        return ""
    reach = 2 * cells + 16
    text = one_line(value if len(value) <= 2 * reach else value[:reach] + " " + value[-reach:],
                    4 * reach)
    if cell_len(text) <= cells:
        return text
    head = _take(text, (cells - 1) // 2).rstrip()
    tail = _take(text[::-1], cells - 1 - cell_len(head))[::-1]
    return head + ELLIPSIS + tail.lstrip()


def _take(text: str, cells: int) -> str:
    """The longest start of ``text`` that fits ``cells`` cells."""
    used = 0
    for index, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > cells:
            return text[:index]
    return text


def sla_label(state: str) -> str:
    return SLA_LABELS.get(state, state)


def sla_head(state: str, time: str) -> str:
    """The clock's state and its time (:mod:`hypercare.triage.sla_text`) once:
    ``BREACHED 30 bh 12 bm over``, ``at risk 4 bh left``; a paused or met clock's time says
    so itself (``paused, 4 bh left``, ``met Mon 30 Nov 14:05``)."""
    if state in ("paused", "met") and time:
        return time
    return f"{sla_label(state)} {time}".strip()


def due_with_company(moment: datetime | None, zone: str, company_zone: str | None,
                     now: datetime) -> str:
    """A due time as the SLA formatter writes it (``17:00`` today, ``Tue 1 Dec 17:00``), plus
    the company's local time where its zone differs."""
    if moment is None:
        return "-"
    return _with_company(when_text(moment, now=now, zone=zone), moment, zone, company_zone)


def local(moment: datetime | None, zone: str, *, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``moment`` in ``zone`` (empty when unknown)."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime(fmt)


def local_with_company(moment: datetime | None, zone: str, company_zone: str | None) -> str:
    """The command center's time, plus the company's local time where its zone differs."""
    if moment is None:
        return "-"
    return _with_company(local(moment, zone), moment, zone, company_zone)


def _with_company(here: str, moment: datetime, zone: str, company_zone: str | None) -> str:
    """``here`` plus the company's local time where its zone's offset differs."""
    if not company_zone or company_zone == zone:
        return here
    there = moment.astimezone(ZoneInfo(company_zone))
    if there.utcoffset() == moment.astimezone(ZoneInfo(zone)).utcoffset():
        return here
    return f"{here} ({there.strftime('%H:%M')} {company_zone.rsplit('/', 1)[-1]} time)"


def age(moment: datetime | None, now: datetime) -> str:
    """Elapsed calendar time, compact: ``3d``, ``5h``, ``12m``."""
    if moment is None:
        return ""
    minutes = max(0.0, (now - moment).total_seconds() / 60)
    if minutes >= 24 * 60:
        return f"{int(minutes // (24 * 60))}d"
    if minutes >= 60:
        return f"{int(minutes // 60)}h"
    return f"{int(minutes)}m"


def sparkline(values: tuple[float, ...] | list[float]) -> str:
    """Unicode block sparkline, one character per value."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    if span == 0:
        return SPARK_BLOCKS[0] * len(values)
    last = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[round((v - low) / span * last)] for v in values)


def delta(change: float | None, direction: str, unit: str = "") -> Text:
    """Week-over-week change, green when it moved the good way."""
    if change is None:
        return Text("")
    if abs(change) < 1e-9:
        return Text("=", style="dim")
    arrow = "▲" if change > 0 else "▼"
    good = (change > 0) == (direction == "up")
    shown = f"{abs(change):.0f}" if abs(change) >= 10 or unit in ("%", "percent") else \
        f"{abs(change):.1f}".rstrip("0").rstrip(".")
    suffix = "pt" if unit in ("%", "percent") else ""
    return Text(f"{arrow}{shown}{suffix}", style="green" if good else "red")
