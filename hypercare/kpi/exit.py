"""Hypercare exit readiness: each criterion's status, value and trend, plus the forecast.

Metric criteria read ``history[metric]`` (daily values, oldest first; points after
``today`` are ignored) and look at the last N = max(for_days, 1) points ("days" are the
points given: feed business days only for "N business days"):

- ``>=``, ``<=``, ``==`` (``==`` within 1e-9): **met** when every one of the last N points
  holds; **not_met** when the latest point fails; otherwise the condition holds now but
  for fewer than N points: **pending**, or **at_risk** when the trend is worsening.
- ``falling`` (N = max(for_days, 2)): over the last N points the least-squares slope is
  negative *and* the last value is below the first: **met**; fewer than N points:
  **pending**; else **not_met**.
- No history (or no target for a comparison): **pending**.

Trend: least-squares slope over the last max(N, 7) points (at most 14), judged by the
operator's good direction (``==``: distance to the target shrinking); "flat" when the
fitted change over the span is at most 1 % of the mean's magnitude; "" below 2 points.
Milestones: done -> met; due passed -> not_met; due within 7 days -> at_risk; else
pending. Sign-offs: done -> met ("by who on when"); else pending. ``ready`` needs at
least one criterion and every one met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from hypercare.kpi.forecast import WINDOW, ExitForecast, forecast_exit
from hypercare.kpi.registry import METRICS, format_value, point_label, rule_text

__all__ = ["CriterionInput", "CriterionStatus", "ExitForecast", "Readiness", "evaluate_exit",
           "forecast_exit"]

Status = Literal["met", "not_met", "pending", "at_risk"]
Op = Literal[">=", "<=", "==", "falling"]
_SOON = dt.timedelta(days=7)


@dataclass(frozen=True)
class CriterionInput:
    """One exit criterion as configured (see the module docstring for the rules)."""

    key: str
    kind: Literal["metric", "milestone", "sign_off"]
    label: str
    metric: str | None = None
    op: Op = ">="
    target: float | None = None
    for_days: int = 0
    due: dt.date | None = None
    owner: str = ""
    done_on: dt.date | None = None
    done_by: str = ""


@dataclass(frozen=True)
class CriterionStatus:
    key: str
    label: str
    kind: str
    status: Status
    value: str
    trend: str  # "improving" / "worsening" / "flat" / ""
    detail: str
    value_short: str = ""
    """``value`` for a narrow column (``94.8 % (14 d)``, ``29 tickets now``)."""


@dataclass(frozen=True)
class Readiness:
    now: dt.datetime
    criteria: tuple[CriterionStatus, ...]
    forecast: ExitForecast

    @property
    def ready(self) -> bool:
        """True when there is at least one criterion and every criterion is met."""
        return bool(self.criteria) and all(c.status == "met" for c in self.criteria)


def _slope(values: Sequence[float]) -> float:
    x = np.arange(len(values), dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    return float(np.polyfit(x, y, 1)[0])


def _trend(values: Sequence[float], op: Op, target: float | None) -> str:
    if len(values) < 2:
        return ""
    if op == "==":
        if target is None:
            return ""
        values = [abs(v - target) for v in values]
    change = _slope(values) * (len(values) - 1)
    if abs(change) <= 0.01 * abs(float(np.mean(values))) or change == 0:
        return "flat"
    good_down = op in ("<=", "falling", "==")
    return "improving" if (change < 0) == good_down else "worsening"


def falling(values: Sequence[float]) -> bool:
    """The one rule of "falling": the least-squares slope is negative and the last value is
    below the first (the exit criterion and the forecast both judge by it)."""
    return len(values) >= 2 and _slope(values) < 0 and values[-1] < values[0]


def _holds(value: float, op: Op, target: float) -> bool:
    if op == ">=":
        return value >= target
    if op == "<=":
        return value <= target
    return abs(value - target) <= 1e-9


def _unit(metric: str) -> str:
    spec = METRICS.get(metric)
    return spec.unit if spec else ""


def _label(metric: str) -> str:
    spec = METRICS.get(metric)
    return spec.label if spec else metric.replace("_", " ")


def _show(metric: str, value: float, day: dt.date | None = None,
          today: dt.date | None = None) -> str:
    """``70 %``, or with the days it is for: ``70 % in the 14 days to Sun 6 Dec``,
    ``49 tickets today``."""
    shown = format_value(value, _unit(metric))
    if day is None or today is None:
        return shown
    return f"{shown} {point_label(metric, day, today)}"


def _metric(c: CriterionInput, history: Mapping[str, Sequence[tuple[dt.date, float]]],
            today: dt.date) -> CriterionStatus:
    metric = c.metric or c.key
    points = sorted(p for p in history.get(metric, ()) if p[0] <= today)
    values = [float(v) for _, v in points]

    def status(state: Status, value: str, trend: str, detail: str) -> CriterionStatus:
        short = (f"{format_value(values[-1], _unit(metric))} "
                 f"({point_label(metric, points[-1][0], today, short=True)})") if values else ""
        return CriterionStatus(c.key, c.label, c.kind, state, value, trend, detail,
                               short if value else "")

    if not values:
        return status("pending", "", "", f"{_label(metric)}: no value recorded yet (one is "
                      "recorded each day by the KPI snapshot)")
    latest = _show(metric, values[-1], points[-1][0], today)
    span = max(c.for_days, 2 if c.op == "falling" else 1)
    trend = _trend(values[-min(max(span, 7), 14):], c.op, c.target)
    if c.op == "falling":
        if len(values) < span:
            return status("pending", latest, trend, f"{len(values)} of {span} days since "
                          "go-live recorded")
        tail = values[-span:]
        ok = falling(tail)
        word = "falling" if ok else "not falling"
        return status("met" if ok else "not_met", latest, trend,
                      f"{_label(metric)} {word} over the last {span} days "
                      f"({_show(metric, tail[0], points[-span][0], today)} -> {latest})")
    if c.target is None:
        return status("pending", latest, trend, "no target set for this criterion")
    wanted = f"{_label(metric)} {rule_text(c.op, c.target, _unit(metric))}"
    if not _holds(values[-1], c.op, c.target):
        return status("not_met", latest, trend, f"{wanted} not met: {latest}")
    streak = 0
    for value in reversed(values):
        if not _holds(value, c.op, c.target):
            break
        streak += 1
    if streak >= span:
        return status("met", latest, trend, f"{wanted} held for the last {span} day(s)")
    state: Status = "at_risk" if trend == "worsening" else "pending"
    return status(state, latest, trend, f"{wanted} held {streak} of the {span} days needed")


def _milestone(c: CriterionInput, today: dt.date) -> CriterionStatus:
    owner = f" (owner {c.owner})" if c.owner else ""
    if c.done_on is not None:
        by = f" by {c.done_by}" if c.done_by else ""
        return CriterionStatus(c.key, c.label, c.kind, "met", f"done {c.done_on}", "",
                               f"achieved on {c.done_on}{by}")
    if c.due is None:
        return CriterionStatus(c.key, c.label, c.kind, "pending", "open", "",
                               f"no due date{owner}")
    state: Status = ("not_met" if c.due < today else
                     "at_risk" if c.due - today <= _SOON else "pending")
    return CriterionStatus(c.key, c.label, c.kind, state, f"due {c.due}", "",
                           f"{'overdue since' if c.due < today else 'due'} {c.due}{owner}")


def _sign_off(c: CriterionInput) -> CriterionStatus:
    if c.done_on is not None:
        who = c.done_by or "unknown"
        return CriterionStatus(c.key, c.label, c.kind, "met", f"signed by {who} on {c.done_on}",
                               "", f"signed off by {who} on {c.done_on}")
    due = f", due {c.due}" if c.due else ""
    return CriterionStatus(c.key, c.label, c.kind, "pending", "awaiting sign-off", "",
                           f"awaiting {c.owner or 'sign-off'}{due}")


def evaluate_exit(
    criteria: Sequence[CriterionInput],
    *,
    history: Mapping[str, Sequence[tuple[dt.date, float]]],
    today: dt.date,
    backlog_target: float = 0.0,
    now: dt.datetime | None = None,
) -> Readiness:
    """Each criterion's status and the backlog forecast (``history["open_backlog"]``).

    ``Readiness.now`` is ``now`` when given, else the start of ``today`` in UTC (no clock
    is read here).
    """
    statuses = []
    for c in criteria:
        if c.kind == "metric":
            statuses.append(_metric(c, history, today))
        elif c.kind == "milestone":
            statuses.append(_milestone(c, today))
        else:
            statuses.append(_sign_off(c))
    backlog = [p for p in history.get("open_backlog", ()) if p[0] <= today]
    spans = [max(c.for_days, 2) for c in criteria
             if c.kind == "metric" and c.op == "falling" and (c.metric or c.key) == "open_backlog"]
    forecast = forecast_exit(backlog, target=backlog_target, today=today,
                             points=spans[0] if spans else WINDOW)
    moment = now or dt.datetime.combine(today, dt.time(0), tzinfo=dt.UTC)
    return Readiness(now=moment, criteria=tuple(statuses), forecast=forecast)
