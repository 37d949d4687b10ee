"""When will the backlog reach its target? A least-squares line over the recent burn-down.

Rule: take the last (up to) ``points`` points (14 by default; the exit readiness passes the
span of a "backlog falling" criterion so both judge the same days), x = days from ``today``.
Fewer than 3 points: not converging ("not enough history"). Last point already at or below
the target: reached (exit date = today). Not falling (slope >= 0, or the last point not below
the first: the rule of the "falling" exit criterion): not converging ("inflow keeps up with
outflow"). Otherwise
the line through the points' centroid reaches the target at x* and the exit date is the
first whole day at or after it (never before today). The band pivots the slope around
the centroid by +- t(0.90, n-2) standard errors (an approx. 80 % band on the slope alone):
the steeper slope gives ``earliest``, the shallower one ``latest`` (None when it is not
falling: the pessimistic case never converges).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WINDOW = 14
# two-sided 80 % band: Student t quantile 0.90 for 1..12 degrees of freedom
_T90 = (3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372, 1.363, 1.356)


@dataclass(frozen=True)
class ExitForecast:
    """Backlog burn-down forecast (see the module docstring)."""

    converging: bool
    exit_date: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    explanation: str


def _reach(
    today: dt.date, x_mean: float, y_mean: float, slope: float, target: float
) -> dt.date | None:
    if slope >= 0:
        return None
    crossing = x_mean + (target - y_mean) / slope
    return today + dt.timedelta(days=max(0, math.ceil(crossing - 1e-9)))


def forecast_exit(
    backlog: Sequence[tuple[dt.date, float]], *, target: float = 0.0, today: dt.date,
    points: int = WINDOW,
) -> ExitForecast:
    """Forecast the day the open backlog reaches ``target`` (see the module docstring)."""
    recent = sorted(backlog)[-max(points, 3):]
    return _forecast(recent, target, today)


def _forecast(points: list[tuple[dt.date, float]], target: float,
              today: dt.date) -> ExitForecast:
    if len(points) < 3:
        return ExitForecast(False, None, None, None,
                            f"not enough history: {len(points)} day(s) of backlog since "
                            "go-live, 3 needed")
    x = np.array([(d - today).days for d, _ in points], dtype=np.float64)
    y = np.array([v for _, v in points], dtype=np.float64)
    if y[-1] <= target:
        return ExitForecast(True, today, today, today,
                            f"backlog {y[-1]:g} is already at or below the target {target:g}")
    x_mean, y_mean = float(x.mean()), float(y.mean())
    sxx = float(((x - x_mean) ** 2).sum())
    if sxx == 0:
        return ExitForecast(False, None, None, None, "not enough history: all points on one day")
    slope = float(((x - x_mean) * (y - y_mean)).sum()) / sxx
    days = len(points)
    if slope >= 0 or y[-1] >= y[0]:
        return ExitForecast(False, None, None, None,
                            f"not converging: inflow keeps up with outflow (backlog "
                            f"{slope:+.1f} tickets/day over the last {days} days: {y[0]:g} "
                            f"then, {y[-1]:g} now)")
    residuals = y - (y_mean + slope * (x - x_mean))
    dof = days - 2
    stderr = math.sqrt(float((residuals**2).sum()) / dof / sxx) if dof > 0 else 0.0
    spread = _T90[min(dof, len(_T90)) - 1] * stderr
    exit_date = _reach(today, x_mean, y_mean, slope, target)
    earliest = _reach(today, x_mean, y_mean, slope - spread, target)
    latest = _reach(today, x_mean, y_mean, slope + spread, target)
    band = f"{earliest} to {latest}" if latest else f"from {earliest}, may not converge"
    return ExitForecast(
        True, exit_date, earliest, latest,
        f"backlog falling {-slope:.1f} tickets/day over the last {days} days (now "
        f"{y[-1]:g}); reaches {target:g} around {exit_date} (80 % band: {band})",
    )
