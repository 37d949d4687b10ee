"""Durations: time to assign, to first response, to resolve, to workaround; backlog age.

Durations are wall-clock hours, medians over the tickets that have both instants; a
negative duration (the later instant recorded before creation, e.g. a workaround that
already existed) counts as 0.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from hypercare.kpi.columns import TicketColumns
from hypercare.kpi.days import DayGrid, FloatArray, ages_in_days
from hypercare.kpi.definitions import AGING_BUCKETS, UNCATEGORIZED
from hypercare.kpi.flow import BoolArray, in_window
from hypercare.kpi.measure import Measure, median, ranked
from hypercare.triage.calendar import BusinessCalendar
from hypercare.triage.labels import severity_label

_BUCKET_EDGES = np.array([2, 4, 8, 16])  # ages 0-1 | 2-3 | 4-7 | 8-15 | 16+


def hours(start: FloatArray, end: FloatArray) -> FloatArray:
    """Hours from ``start`` to ``end``, floored at 0; NaN when either is unknown."""
    with np.errstate(invalid="ignore"):
        return np.maximum(end - start, 0.0) / 3600.0


def _by_severity_and_category(durations: FloatArray, severity: FloatArray,
                              categories: npt.NDArray[np.str_]) -> Measure:
    """The median, broken down by severity ("S1".."S4") and by category."""
    pairs = []
    for level in (1, 2, 3, 4):
        value = median(durations[severity == level])
        if value is not None:
            pairs.append((severity_label(level), value))
    for name in np.unique(categories).tolist():
        value = median(durations[categories == name])
        if value is not None:
            pairs.append((name or UNCATEGORIZED, value))
    return Measure(median(durations), breakdown=ranked(pairs))


def durations(cols: TicketColumns, grid: DayGrid) -> dict[str, Measure]:
    """MTTA (assignment, first response), MTTR and time to workaround."""
    created_here: BoolArray = in_window(grid, cols.created)
    severity = cols.severity[created_here].astype(np.float64)
    created = cols.created[created_here]
    assign = hours(created, cols.assigned[created_here])
    response = hours(created, cols.first_response[created_here])
    workaround = hours(created, cols.workaround[created_here])

    closed_here = cols.is_closed & in_window(grid, cols.closed)
    resolve = hours(cols.created[closed_here], cols.closed[closed_here])
    created_categories = cols.category[created_here].astype(str)
    return {
        "mtta_assign": _by_severity_and_category(assign, severity, created_categories),
        "mtta_response": _by_severity_and_category(response, severity, created_categories),
        "mttr": _by_severity_and_category(resolve,
                                          cols.severity[closed_here].astype(np.float64),
                                          cols.category[closed_here].astype(str)),
        "time_to_workaround": Measure(median(workaround)),
    }


def aging(
    cols: TicketColumns, now: dt.datetime, tz: ZoneInfo, calendar: BusinessCalendar | None
) -> Measure:
    """Open tickets by age bucket (natural bucket order); value: median age in days."""
    ages = ages_in_days(cols.created[~cols.is_closed], now, tz, calendar)
    ages = ages[~np.isnan(ages)]
    buckets = np.searchsorted(_BUCKET_EDGES, ages, side="right")
    counts = np.bincount(buckets, minlength=len(AGING_BUCKETS)).tolist()
    breakdown = tuple((name, float(n)) for name, n in zip(AGING_BUCKETS, counts, strict=True))
    return Measure(median(ages), breakdown=breakdown)
