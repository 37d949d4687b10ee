"""Local days as epoch-second boundaries, so whole arrays of instants are binned at once.

A day starts at local midnight in the command center's timezone (zoneinfo), so a DST day
is 23 or 25 hours long. Ages in business days count working days on a
:class:`BusinessCalendar` (weekdays with shifts, minus holidays) with ``numpy.busday_count``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from hypercare.triage.calendar import BusinessCalendar

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_MAX_AGE_DAYS = 3660  # older creation dates are clamped (ten years is "16+" anyway)


def local_midnight(day: dt.date, tz: ZoneInfo) -> float:
    """Epoch seconds of local midnight starting ``day`` (first occurrence if ambiguous)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).timestamp()


@dataclass(frozen=True)
class DayGrid:
    """Consecutive local days ``first .. first + len(bounds) - 2``; ``bounds`` are midnights."""

    first: dt.date
    bounds: FloatArray

    @classmethod
    def span(cls, first: dt.date, last: dt.date, tz: ZoneInfo) -> DayGrid:
        count = max((last - first).days + 1, 0)
        days = [first + dt.timedelta(days=i) for i in range(count + 1)]
        return cls(first, np.array([local_midnight(d, tz) for d in days], dtype=np.float64))

    @property
    def size(self) -> int:
        return len(self.bounds) - 1

    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range(self.size)]

    def index(self, moments: FloatArray) -> IntArray:
        """Day index of each instant; -1 before the grid, ``size`` after it, -1 for NaN."""
        found = np.searchsorted(self.bounds, moments, side="right").astype(np.int64) - 1
        found[np.isnan(moments)] = -1
        return np.minimum(found, self.size)

    def per_day(self, moments: FloatArray) -> IntArray:
        """How many of ``moments`` fall on each day of the grid."""
        found = self.index(moments)
        inside = found[(found >= 0) & (found < self.size)]
        return np.bincount(inside, minlength=self.size).astype(np.int64)


def window(now: dt.datetime, tz: ZoneInfo, days: int) -> tuple[DayGrid, FloatArray]:
    """The last ``days`` local days up to ``now`` and the instant each one is measured at:
    its end, or ``now`` for today."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today = now.astimezone(tz).date()
    grid = DayGrid.span(today - dt.timedelta(days=max(days, 1) - 1), today, tz)
    ends = grid.bounds[1:].copy()
    # today is read at ``now`` itself, inclusive: a ticket created at that very instant is
    # open then (as the queue counts it)
    ends[-1] = np.nextafter(now.timestamp(), np.inf)
    return grid, ends


def ages_in_days(
    created: FloatArray, now: dt.datetime, tz: ZoneInfo, calendar: BusinessCalendar | None
) -> FloatArray:
    """Age of each instant at ``now`` in whole days: working days of ``calendar`` from the
    creation day up to (not including) today, or calendar days without one. NaN stays NaN."""
    today = now.astimezone(tz).date()
    ages = np.full(len(created), np.nan)
    known = ~np.isnan(created)
    if not known.any():
        return ages
    earliest = dt.datetime.fromtimestamp(float(np.min(created[known])), tz).date()
    oldest = min(max(earliest, today - dt.timedelta(days=_MAX_AGE_DAYS)), today)
    grid = DayGrid.span(oldest, today, tz)
    offsets = np.clip(grid.index(created[known]), 0, grid.size - 1)
    start = np.datetime64(oldest, "D") + offsets
    end = np.datetime64(today, "D")
    if calendar is None or calendar.always_open:
        counted = np.maximum((end - start).astype(np.int64), 0)
    else:
        weekmask = [1 if calendar.week.get(d) else 0 for d in range(7)]
        holidays = np.array(sorted(calendar.holidays), dtype="datetime64[D]")
        counted = np.busday_count(np.minimum(start, end), end, weekmask=weekmask,
                                  holidays=holidays)
    ages[known] = counted
    return ages
