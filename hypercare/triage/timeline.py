"""The engine behind business calendars: open intervals as epoch seconds with running totals.

A :class:`Timeline` covers a range of local dates. It holds the merged open intervals of
the shifts that *start* on those dates (``starts``/``ends``, epoch seconds, sorted, disjoint)
and ``cum_end[i]``: the open seconds from the first interval up to the end of interval ``i``.
Business time up to an instant is then one bisect (:meth:`Timeline.open_before`), and
finding the instant where a running total is reached is another (:meth:`Timeline.reach`).

Local wall-clock boundaries become instants with :func:`local_instant`: a time that does
not exist (the spring-forward gap) moves forward to the first valid instant (the
transition itself); an ambiguous time (fall back) takes its first occurrence (``fold=0``).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

Span = tuple[float, float]


def local_instant(day: dt.date, wall: dt.time, tz: ZoneInfo) -> float:
    """Epoch seconds of a local wall time on ``day`` (gap -> transition, overlap -> fold=0)."""
    naive = dt.datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz).timestamp()
    if dt.datetime.fromtimestamp(first, tz).replace(tzinfo=None) == naive:
        return first
    # In a gap: fold=0 read the wall time with the offset before the change (an instant
    # after the transition), fold=1 with the offset after it (an instant before). The
    # transition lies in between; find the first whole second with the new offset.
    after_offset = dt.datetime.fromtimestamp(first, tz).utcoffset()
    low = int(naive.replace(tzinfo=tz, fold=1).timestamp())
    high = int(first)
    while high - low > 1:
        mid = (low + high) // 2
        if dt.datetime.fromtimestamp(mid, tz).utcoffset() == after_offset:
            high = mid
        else:
            low = mid
    return float(high)


def shift_spans(
    day: dt.date, shifts: Sequence[tuple[dt.time, dt.time]], tz: ZoneInfo
) -> list[Span]:
    """The instants of ``day``'s shifts; a shift whose end <= start ends the next day."""
    spans: list[Span] = []
    for start, end in shifts:
        begin = local_instant(day, start, tz)
        finish = local_instant(day + dt.timedelta(days=1) if end <= start else day, end, tz)
        if finish > begin:
            spans.append((begin, finish))
    return spans


def merge(spans: list[Span]) -> list[Span]:
    """Sorted, disjoint spans; overlapping or touching ones are joined, empty ones dropped."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Timeline:
    """Open intervals for the local dates ``first_day <= d < last_day`` (ordinals).

    Exact for instants in ``[valid_from, valid_to]``: shifts may run up to a day past
    midnight, so the first covered day only serves the night shift that spills from it.
    """

    first_day: int
    last_day: int
    valid_from: float
    valid_to: float
    starts: list[float]
    ends: list[float]
    cum_end: list[float]
    total: float = 0.0

    def covers(self, start: float, end: float) -> bool:
        return self.valid_from <= start and end <= self.valid_to

    def open_before(self, moment: float) -> float:
        """Open seconds from the start of the timeline to ``moment``."""
        i = bisect_right(self.starts, moment) - 1
        if i < 0:
            return 0.0
        end = self.ends[i]
        if moment < end:
            return self.cum_end[i] - (end - moment)
        return self.cum_end[i]

    def reach(self, running: float) -> float:
        """The first instant where the open seconds reach ``running`` (0 < running <= total)."""
        i = bisect_left(self.cum_end, running)
        return self.ends[i] - (self.cum_end[i] - running)

    def is_open(self, moment: float) -> bool:
        i = bisect_right(self.starts, moment) - 1
        return i >= 0 and moment < self.ends[i]

    def spans(self, start: float, end: float) -> list[Span]:
        """Open intervals clipped to ``[start, end)``."""
        i = max(bisect_right(self.starts, start) - 1, 0)
        found: list[Span] = []
        while i < len(self.starts) and self.starts[i] < end:
            low, high = max(self.starts[i], start), min(self.ends[i], end)
            if high > low:
                found.append((low, high))
            i += 1
        return found


def build_timeline(
    first_day: int,
    last_day: int,
    week: Mapping[int, Sequence[tuple[dt.time, dt.time]]],
    holidays: Collection[dt.date],
    tz: ZoneInfo,
) -> Timeline:
    """Compute the open intervals of the shifts starting on each date of the range."""
    spans: list[Span] = []
    for ordinal in range(first_day, last_day):
        day = dt.date.fromordinal(ordinal)
        shifts = week.get(day.weekday())
        if shifts and day not in holidays:
            spans.extend(shift_spans(day, shifts, tz))
    merged = merge(spans)
    running = 0.0
    cum_end: list[float] = []
    for start, end in merged:
        running += end - start
        cum_end.append(running)
    midnight = dt.time(0)
    timeline = Timeline(
        first_day,
        last_day,
        local_instant(dt.date.fromordinal(first_day + 1), midnight, tz),
        local_instant(dt.date.fromordinal(last_day), midnight, tz),
        [start for start, _ in merged],
        [end for _, end in merged],
        cum_end,
    )
    object.__setattr__(timeline, "total", timeline.open_before(timeline.valid_to))
    return timeline


def grown(
    current: Timeline | None, start: float, end: float, tz: ZoneInfo,
    build: Callable[[int, int], Timeline],
) -> Timeline:
    """A timeline covering ``[start, end]`` and ``current``'s range, with room to spare."""
    low = dt.datetime.fromtimestamp(start, tz).date().toordinal() - 2
    high = dt.datetime.fromtimestamp(end, tz).date().toordinal() + 2
    if current is None:
        return build(low - 14, high + 28)
    pad = max(28, current.last_day - current.first_day)
    first = min(current.first_day, low - pad if low < current.first_day + 1 else low)
    last = max(current.last_day, high + pad if high > current.last_day else high)
    return build(first, last)
