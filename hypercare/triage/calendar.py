"""Business calendars: when a team works, and exact business-time arithmetic on it.

A calendar has a timezone, shifts per weekday (split shifts and night shifts past midnight
allowed), public holidays (local dates: shifts *starting* that day do not run) and a 24x7
switch. Shift boundaries are local wall times, turned into real instants with zoneinfo, so
DST is exact: a 09:00-17:00 shift is 8 real hours, a 22:00-06:00 night shift over a change
is 7 or 9. A local time in the spring-forward gap moves to the first valid instant; an
ambiguous one (fall back) takes its first occurrence.

All inputs must be timezone-aware; all outputs are UTC. Each calendar caches a timeline of
open intervals with running totals (see :mod:`hypercare.triage.timeline`), so a measure or
an addition is a couple of bisects once the dates are cached.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hypercare.triage.timeline import Timeline, build_timeline, grown

UTC = dt.UTC
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_MAX_DAYS = 366 * 200


@dataclass(frozen=True)
class Shift:
    """Working hours starting on a day; ``end <= start`` means the shift ends the next day."""

    start: dt.time
    end: dt.time


class _Cache:
    __slots__ = ("timeline", "tz")

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.timeline: Timeline | None = None


def _instant(moment: dt.datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: business time needs a timezone")
    return moment.timestamp()


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """Working time of a company or team (see the module docstring)."""

    timezone: str
    week: Mapping[int, tuple[Shift, ...]] = field(hash=False)
    holidays: frozenset[dt.date] = frozenset()
    always_open: bool = False
    _cache: _Cache = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        try:
            tz = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown timezone {self.timezone!r}") from exc
        week: dict[int, tuple[Shift, ...]] = {}
        for day, shifts in sorted(dict(self.week).items()):
            if day not in range(7):
                raise ValueError(f"weekday {day!r} is not 0 (Monday) .. 6 (Sunday)")
            week[day] = tuple(shifts)
        if not self.always_open and not any(week.values()):
            raise ValueError("a calendar needs at least one shift (or always_open=True)")
        object.__setattr__(self, "week", MappingProxyType(week))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_cache", _Cache(tz))

    @classmethod
    def standard(
        cls,
        timezone: str,
        days: str = "mon-fri",
        hours: Sequence[str] | str = ("09:00-17:00",),
        holidays: Iterable[dt.date | str] = (),
        always_open: bool = False,
    ) -> BusinessCalendar:
        """Build from text: ``days`` like "mon-fri", "mon,tue,thu" or "sat-sun"; ``hours`` like
        ("08:00-12:00", "13:00-17:00") or "22:00-06:00" (a night shift); "24:00" ends a day;
        ``holidays`` as dates or ISO strings. Raises ValueError on bad input."""
        spans = [hours] if isinstance(hours, str) else list(hours)
        shifts = tuple(_parse_shift(part) for text in spans for part in text.split(","))
        if not shifts and not always_open:
            raise ValueError("no working hours given")
        week = {day: shifts for day in parse_days(days)}
        return cls(timezone, week, frozenset(_parse_date(h) for h in holidays), always_open)

    # -- queries on datetimes -------------------------------------------------------------

    def is_open(self, moment: dt.datetime) -> bool:
        """True when ``moment`` is working time (intervals are closed-open)."""
        at = _instant(moment)
        return self.always_open or self._timeline(at, at).is_open(at)

    def open_intervals(
        self, start: dt.datetime, end: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        """Working intervals within ``[start, end)``: merged, clipped, UTC."""
        low, high = _instant(start), _instant(end)
        if high <= low:
            return []
        if self.always_open:
            return [(_utc(low), _utc(high))]
        spans = self._timeline(low, high).spans(low, high)
        return [(_utc(a), _utc(b)) for a, b in spans]

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Business minutes in ``[start, end)``; 0 when ``end <= start``."""
        return self.seconds_between(_instant(start), _instant(end)) / 60.0

    def add(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """The instant when ``minutes`` business minutes after ``start`` have elapsed (UTC).

        It is the first such instant: inside working time or exactly at the end of an open
        interval. ``minutes == 0`` returns ``start`` itself (in UTC), open or not.
        """
        return _utc(self.advance(_instant(start), minutes * 60.0))

    # -- the same on epoch seconds, for hot loops -----------------------------------------

    def seconds_between(self, start: float, end: float) -> float:
        """Business seconds in ``[start, end)`` (epoch seconds); 0 when ``end <= start``."""
        if end <= start:
            return 0.0
        if self.always_open:
            return end - start
        timeline = self._cache.timeline  # the cached timeline, checked inline: a hot path
        if timeline is None or not (timeline.valid_from <= start and end <= timeline.valid_to):
            timeline = self._timeline(start, end)
        return timeline.open_before(end) - timeline.open_before(start)

    def advance(self, start: float, seconds: float) -> float:
        """Epoch seconds when ``seconds`` business seconds after ``start`` have elapsed."""
        if not 0.0 <= seconds < math.inf:  # negative, NaN or infinite
            raise ValueError(f"cannot add {seconds!r} business seconds")
        if seconds == 0:
            return start
        if self.always_open:
            return start + seconds
        timeline = self._cache.timeline
        if timeline is None or not (timeline.valid_from <= start <= timeline.valid_to):
            timeline = self._timeline(start, start)
        running = timeline.open_before(start) + seconds
        end = start
        while running > timeline.total:
            needed = running - timeline.total
            end = max(end, timeline.valid_to) + needed / self._weekly_seconds() * 7 * 86400 * 1.5
            timeline = self._timeline(start, end + 14 * 86400)
            running = timeline.open_before(start) + seconds
        # max(): an amount too small to change the running total in floating point
        return max(start, timeline.reach(running))

    def used_and_due(self, start: float, stop: float, goal: float) -> tuple[float, float]:
        """``(seconds_between(start, stop), advance(start, goal))`` (epoch seconds): the
        same values, the timeline looked up once and ``start``'s place in it found once (an
        SLA clock's time used and its due time, for each of 100,000 tickets a sweep)."""
        timeline = self._cache.timeline
        if (self.always_open or timeline is None or not 0.0 < goal < math.inf
                or not (timeline.valid_from <= start and stop <= timeline.valid_to)):
            return self.seconds_between(start, stop), self.advance(start, goal)
        before = timeline.open_before(start)
        used = timeline.open_before(stop) - before if stop > start else 0.0
        running = before + goal
        if running > timeline.total:  # past the timeline: advance grows it
            return used, self.advance(start, goal)
        return used, max(start, timeline.reach(running))

    # -- cache ----------------------------------------------------------------------------

    def _timeline(self, start: float, end: float) -> Timeline:
        cache = self._cache
        timeline = cache.timeline
        if timeline is not None and timeline.covers(start, end):
            return timeline
        built = grown(timeline, start, end, cache.tz, self._build)
        cache.timeline = built
        return built

    def _build(self, first_day: int, last_day: int) -> Timeline:
        if last_day - first_day > _MAX_DAYS:
            raise ValueError("business time out of range: no working time within 200 years")
        week = {day: [(s.start, s.end) for s in shifts] for day, shifts in self.week.items()}
        return build_timeline(first_day, last_day, week, self.holidays, self._cache.tz)

    def _weekly_seconds(self) -> float:
        total = 0.0
        for shifts in self.week.values():
            for shift in shifts:
                start = shift.start.hour * 3600 + shift.start.minute * 60 + shift.start.second
                end = shift.end.hour * 3600 + shift.end.minute * 60 + shift.end.second
                total += (end - start) % 86400 or 86400
        return total


def parse_days(text: str) -> list[int]:
    """Weekday numbers (0 = Monday) of "mon-fri", "mon,tue,thu", "sun-thu"."""
    days: list[int] = []
    for part in (p.strip().lower() for p in text.split(",")):
        names = [n.strip()[:3] for n in part.split("-")]
        if len(names) > 2 or any(n not in DAY_NAMES for n in names):
            raise ValueError(f"bad days {text!r}: use names like 'mon-fri' or 'mon,tue,thu'")
        first, last = DAY_NAMES.index(names[0]), DAY_NAMES.index(names[-1])
        span = (last - first) % 7
        days.extend((first + i) % 7 for i in range(span + 1))
    return sorted(set(days))


def _parse_time(text: str, allow_24: bool) -> dt.time:
    match = _HHMM.match(text.strip())
    if match:
        hour, minute = int(match[1]), int(match[2])
        if allow_24 and (hour, minute) == (24, 0):
            return dt.time(0)
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise ValueError(f"bad time {text.strip()!r}: use HH:MM (00:00-23:59, or 24:00 as an end)")


def _parse_shift(text: str) -> Shift:
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f"bad hours {text.strip()!r}: use 'HH:MM-HH:MM', e.g. '08:00-12:00'")
    start, end = _parse_time(parts[0], False), _parse_time(parts[1], True)
    if start == end and parts[1].strip() != "24:00":
        raise ValueError(f"empty shift {text.strip()!r}: use 00:00-24:00 for a whole day")
    return Shift(start, end)


def _parse_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"bad holiday {value!r}: use an ISO date like 2025-12-25") from exc
