"""How every front end writes an SLA clock's time: one wording, one set of units.

Pure: plain values in, text out; ``now`` and the timezone are parameters. The TUI, the CLI,
Slack and the packs call these functions for every SLA time and due time they show.

The rules:

* **Business time** (a clock on a working calendar) is written in business hours and
  minutes, with the unit: ``30 bh 12 bm over``, ``4 bh left``, ``45 bm left``. Never days: a
  business day has no fixed length once calendars differ by weekday.
* **Calendar time** only for clocks that run 24x7 (a confirmed S1, an always-open calendar),
  marked so: ``26 h over, 24x7``, ``3 h 10 m left, 24x7``.
* Amounts are rounded to the minute. A clock whose rounded amount is zero reads ``due now``,
  whatever its state: a breached clock never reads ``0 bm left`` (nor ``0 bm over``), and a
  breached clock never reads "left" at all.
* A **paused** clock says so, with what is left: ``paused, 4 bh left``.
* A **met** clock says when it was met, never what was left: ``met 14:05`` (today) or
  ``met Mon 30 Nov 14:05``; a target reached after its due time reads
  ``reached Mon 30 Nov 14:05, 2 bh late``.
* A **moment** (a due time, a met time) in the given timezone: ``17:00`` when it falls on
  ``now``'s day there, ``Tue 1 Dec 17:00`` on another day, ``Tue 1 Dec 2027 17:00`` in another
  year. ``due_text`` puts ``due`` before it.

``short_text`` is the narrow form for a table column beside the clock's state (the TUI
queue's ``Left``): one unit, whole units only, still with the unit (``30 bh over``,
``4 bh left``, ``45 bm left``, ``26 h over``: ``h`` and ``m`` are calendar time, 24x7).

Front ends that render moments their own way (Slack's ``<!date^...>`` tokens, which show
each reader their own local time) pass ``moment``: it gets the instant and the text these
rules give, and returns what is shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

Zone = str | tzinfo
Moment = Callable[[datetime, str], str]
"""``(instant, its text in the zone) -> what is shown``."""

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ALWAYS_OPEN_MARK = "24x7"
DUE_NOW = "due now"
"""What a clock with no whole minute left or over reads, whatever its state."""
STATE_WORDS = {"on_track": "on track", "at_risk": "at risk", "breached": "breached"}
"""The states :func:`status_text` names (a paused or met clock's time names its own)."""
UNITS_NOTE = ("bh, bm: business hours and minutes (working time on the ticket's calendar); "
              "h, m: calendar time, for clocks that run 24x7")
"""A legend for outputs whose readers may not know the units."""


@dataclass(frozen=True, slots=True)
class ClockTime:
    """What the formatter needs of one clock.

    ``state``: on_track, at_risk, breached, met, paused (anything else: no state words);
    ``minutes_left``: business minutes to the target (calendar minutes on a 24x7 clock;
    negative: overdue; for a reached target, the margin when it was reached); ``met_at``:
    when the target was reached (None while it runs); ``always_open``: the clock runs 24x7."""

    state: str
    minutes_left: float | None
    due_at: datetime | None = None
    met_at: datetime | None = None
    always_open: bool = False

    @classmethod
    def from_stored(cls, clock: Mapping[str, Any], *, always_open: bool = False) -> ClockTime:
        """One clock as the sweep stores it (``state``, ``business_minutes_left``, ``due_at``
        and ``met_at`` as ISO text, ``always_open``); ``always_open`` is the fallback for
        clocks stored before they said."""
        return cls(str(clock.get("state") or ""), _minutes(clock.get("business_minutes_left")),
                   _instant(clock.get("due_at")), _instant(clock.get("met_at")),
                   bool(clock.get("always_open", always_open)))


def _minutes(value: Any) -> float | None:
    """A stored number of minutes; None when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _instant(value: Any) -> datetime | None:
    """A stored time (ISO text or a datetime; naive ones are UTC), None when unreadable."""
    moment = value if isinstance(value, datetime) else None
    if isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _tz(zone: Zone) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def zone_name(zone: Zone) -> str:
    """``Europe/Brussels`` (a fixed offset by its name, ``UTC+01:00``)."""
    if isinstance(zone, str):
        return zone
    return str(getattr(zone, "key", None) or zone)


def when_text(moment: datetime, *, now: datetime, zone: Zone) -> str:
    """``17:00`` on ``now``'s day in ``zone``, ``Tue 1 Dec 17:00`` on another day,
    ``Tue 1 Dec 2027 17:00`` in another year."""
    tz = _tz(zone)
    local, today = moment.astimezone(tz), now.astimezone(tz)
    clock = f"{local:%H:%M}"
    if local.date() == today.date():
        return clock
    year = f" {local.year}" if local.year != today.year else ""
    return f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}{year} {clock}"


def moment_text(moment: datetime, *, now: datetime, zone: Zone,
                render: Moment | None = None) -> str:
    """:func:`when_text`, or what ``render`` makes of it (a front end's own moments)."""
    text = when_text(moment, now=now, zone=zone)
    return render(moment, text) if render is not None else text


def span_text(minutes: float, *, always_open: bool = False) -> str:
    """An amount of time, sign ignored, rounded to the minute: ``30 bh 12 bm``, ``4 bh``,
    ``45 bm``; on a 24x7 clock ``26 h``, ``3 h 10 m``, ``45 m``."""
    hours, mins = divmod(round(abs(minutes)), 60)
    hour, minute = ("h", "m") if always_open else ("bh", "bm")
    if hours and mins:
        return f"{hours} {hour} {mins} {minute}"
    if hours:
        return f"{hours} {hour}"
    return f"{mins} {minute}"


def _mark(text: str, clock: ClockTime) -> str:
    return f"{text}, {ALWAYS_OPEN_MARK}" if clock.always_open else text


def time_text(clock: ClockTime, *, now: datetime, zone: Zone,
              moment: Moment | None = None) -> str:
    """The clock's time: ``30 bh 12 bm over``, ``4 bh left``, ``26 h over, 24x7``,
    ``due now``, ``paused, 4 bh left``, ``met Mon 30 Nov 14:05``,
    ``reached Mon 30 Nov 14:05, 2 bh late``; "" when there is nothing to say."""
    met = (moment_text(clock.met_at, now=now, zone=zone, render=moment)
           if clock.met_at is not None else "")
    if clock.state == "met":
        return f"met {met}" if met else "met"
    left = clock.minutes_left
    if left is None:
        return ""
    rounded = round(left)
    if met:  # reached, after its due time (or the state would be met)
        reached = f"reached {met}"
        if rounded >= 0:
            return reached
        return _mark(f"{reached}, {span_text(left, always_open=clock.always_open)} late", clock)
    if rounded == 0 or (clock.state == "breached" and rounded > 0):
        text = DUE_NOW
    elif rounded < 0:
        text = _mark(f"{span_text(left, always_open=clock.always_open)} over", clock)
    else:
        text = _mark(f"{span_text(left, always_open=clock.always_open)} left", clock)
    return f"paused, {text}" if clock.state == "paused" else text


def status_text(clock: ClockTime, *, now: datetime, zone: Zone,
                moment: Moment | None = None) -> str:
    """The state in words, then the time: ``breached, 30 bh 12 bm over``,
    ``at risk, 4 bh left``, ``on track, 26 h left, 24x7``; a paused or met clock's time says
    its state itself (``paused, 4 bh left``, ``met Mon 30 Nov 14:05``)."""
    time = time_text(clock, now=now, zone=zone, moment=moment)
    word = STATE_WORDS.get(clock.state, "")
    if not word:
        return time
    return f"{word}, {time}" if time else word


def due_text(due_at: datetime | None, *, now: datetime, zone: Zone,
             moment: Moment | None = None) -> str:
    """``due 17:00`` (today in ``zone``), ``due Tue 1 Dec 17:00``; "" when not known."""
    if due_at is None:
        return ""
    return f"due {moment_text(due_at, now=now, zone=zone, render=moment)}"


def clock_text(clock: ClockTime, *, now: datetime, zone: Zone,
               moment: Moment | None = None, state: bool = False) -> str:
    """The time and the due time in one line: ``30 bh 12 bm over · due Tue 1 Dec 17:00``,
    ``3 h 10 m left, 24x7 · due 17:00``; a met or reached clock shows when
    (``met Mon 30 Nov 14:05``), not its due time, and ``due now`` needs none. ``state``:
    begin with the state in words, as :func:`status_text` does
    (``breached, 30 bh 12 bm over · due Tue 1 Dec 17:00``)."""
    write = status_text if state else time_text
    time = write(clock, now=now, zone=zone, moment=moment)
    if clock.state == "met" or clock.met_at is not None or time.endswith(DUE_NOW):
        return time
    due = due_text(clock.due_at, now=now, zone=zone, moment=moment)
    return " · ".join(part for part in (time, due) if part)


def short_text(clock: ClockTime, *, state: bool = False) -> str:
    """The narrow form, for a column beside the clock's state: one unit, whole units
    (rounded down), with the unit: ``30 bh over``, ``4 bh left``, ``45 bm left``,
    ``26 h over`` (24x7: calendar hours), ``due now``, ``met``; "" when unknown. ``state``:
    begin with the state in words (``breached 30 bh over``, ``paused 4 bh left``), for a
    list without a state column."""
    if clock.state == "met":
        return "met"
    text = _short(clock)
    word = "paused" if clock.state == "paused" else STATE_WORDS.get(clock.state, "")
    if not state or not word:
        return text
    return f"{word} {text}".strip()


def _short(clock: ClockTime) -> str:
    left = clock.minutes_left
    if left is None:
        return ""
    rounded = round(left)
    if rounded == 0 or (clock.state == "breached" and rounded > 0):
        return DUE_NOW
    hour, minute = ("h", "m") if clock.always_open else ("bh", "bm")
    size = abs(rounded)
    amount = f"{size // 60} {hour}" if size >= 60 else f"{size} {minute}"
    return f"{amount} {'over' if rounded < 0 else 'left'}"
