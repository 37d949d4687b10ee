"""Ticket flow: backlog at each day's end, inflow, outflow, net flow, SLA and reopen rates.

History rule: a ticket counts as open at instant T when it was created at or before T
(unknown creation: always) and its effective close is after T. The effective close is the
``closed`` instant for tickets closed now, +inf for tickets open now (a reopened ticket is
open throughout: its earlier close is ignored), and -inf for tickets closed at an unknown
time. The current value (``open_backlog`` etc.) is the current state, ``~is_closed``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hypercare.kpi.columns import TicketColumns
from hypercare.kpi.days import DayGrid, FloatArray
from hypercare.kpi.measure import Measure, daily, percent

BoolArray = npt.NDArray[np.bool_]


def effective_close(cols: TicketColumns) -> FloatArray:
    """Close instants for the history rule (see the module docstring)."""
    closed = np.where(np.isnan(cols.closed), -np.inf, cols.closed)
    return np.where(cols.is_closed, closed, np.inf)


def open_at(created: FloatArray, close: FloatArray, moments: FloatArray) -> FloatArray:
    """How many tickets are open just before each of ``moments`` (a day's end is the next
    day's first instant): created before it minus gone (closed, and created) before it.
    So each day's change is exactly that day's inflow minus outflow."""
    born = np.where(np.isnan(created), -np.inf, created)
    gone = np.maximum(born, close)
    opened = np.searchsorted(np.sort(born), moments, side="left")
    closed = np.searchsorted(np.sort(gone), moments, side="left")
    return (opened - closed).astype(np.float64)


def in_window(grid: DayGrid, moments: FloatArray) -> BoolArray:
    """True where the instant falls on one of the grid's days."""
    found = grid.index(moments)
    result: BoolArray = (found >= 0) & (found < grid.size)
    return result


def open_count(
    cols: TicketColumns, grid: DayGrid, ends: FloatArray, close: FloatArray, rows: BoolArray
) -> Measure:
    """Open tickets among ``rows`` at the board's moment (the last end: now, or the end of
    the window), with the count at each day's end; the value is the last point, so a board
    read as of a past moment (a pack's week end) counts what was open then."""
    at_ends = open_at(cols.created[rows], close[rows], ends)
    return Measure(float(at_ends[-1]) if at_ends.size else 0.0,
                   daily(grid.dates(), at_ends.tolist()))


def flows(cols: TicketColumns, grid: DayGrid) -> dict[str, Measure]:
    """Inflow, outflow and net flow per day; values are means per day over the window."""
    dates = grid.dates()
    inflow = grid.per_day(cols.created)
    outflow = grid.per_day(np.where(cols.is_closed, cols.closed, np.nan))
    net = inflow - outflow
    days = max(grid.size, 1)
    return {
        "inflow": Measure(float(inflow.sum()) / days, daily(dates, inflow.tolist())),
        "outflow": Measure(float(outflow.sum()) / days, daily(dates, outflow.tolist())),
        "net_flow": Measure(float(net.sum()) / days, daily(dates, net.tolist())),
    }


def sla_and_reopen(cols: TicketColumns, grid: DayGrid) -> dict[str, Measure]:
    """SLA attainment and reopen rate over tickets closed in the window; breaches now."""
    closing_day = grid.index(np.where(cols.is_closed, cols.closed, np.nan))
    closed_here = (closing_day >= 0) & (closing_day < grid.size)
    met = closed_here & (cols.sla_state == "met")
    breached = closed_here & (cols.sla_state == "breached")
    met_per_day = np.bincount(closing_day[met], minlength=grid.size)
    judged_per_day = np.bincount(closing_day[met | breached], minlength=grid.size)
    series = daily(grid.dates(), [percent(int(m), int(j)) for m, j in
                                  zip(met_per_day.tolist(), judged_per_day.tolist(),
                                      strict=True)])
    met_n, judged_n = int(met.sum()), int((met | breached).sum())
    reopened = int(np.count_nonzero(closed_here & (cols.reopen_count > 0)))
    breaches_now = np.count_nonzero(~cols.is_closed & (cols.sla_state == "breached"))
    return {
        "sla_attainment": Measure(percent(met_n, judged_n), series),
        "reopen_rate": Measure(percent(reopened, int(closed_here.sum()))),
        "sla_breaches": Measure(float(breaches_now)),
    }
