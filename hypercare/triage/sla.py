"""SLA clocks: first response, workaround and resolution targets on a business calendar.

One clock runs per ticket and target. It counts business minutes from the ticket's creation
until the target is reached (or until ``now``), minus the business minutes spent in pause
stages (waiting on the reporter, waiting on a decision). See :func:`evaluate_clock` for the
exact rules and :func:`pause_intervals` for reading pauses from the event log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from hypercare.triage.calendar import BusinessCalendar

ClockTarget = Literal["first_response", "workaround", "resolution"]
ClockStateName = Literal["on_track", "at_risk", "breached", "met", "paused"]
Pause = tuple[dt.datetime, dt.datetime | None]
_TOLERANCE = 1e-6  # seconds: due times are rounded to the microsecond


@dataclass(frozen=True)
class ClockFacts:
    """What the event log says about one clock."""

    started_at: dt.datetime
    done_at: dt.datetime | None
    pauses: tuple[Pause, ...] = ()


@dataclass(frozen=True, slots=True)
class ClockState:
    """One clock at ``now``: its state, due time, business minutes left and share used."""

    target: ClockTarget
    state: ClockStateName
    due_at: dt.datetime | None
    business_minutes_left: float
    used_share: float


def _instant(moment: dt.datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: SLA clocks need a timezone")
    return moment.timestamp()


def _clipped_pauses(
    pauses: Iterable[Pause], start: float, stop: float
) -> tuple[list[tuple[float, float]], bool]:
    """Pauses clipped to ``[start, stop]`` and merged (an open pause ends at ``stop``),
    and whether ``stop`` itself is inside a pause."""
    spans: list[tuple[float, float]] = []
    paused_at_stop = False
    for begin, end in pauses:
        low = _instant(begin)
        high = stop if end is None else _instant(end)
        if low <= stop < high or (end is None and low <= stop):
            paused_at_stop = True
        low, high = max(low, start), min(high, stop)
        if high > low:
            spans.append((low, high))
    spans.sort()
    merged: list[tuple[float, float]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged, paused_at_stop


def evaluate_clock(
    target: ClockTarget,
    facts: ClockFacts,
    target_minutes: float,
    calendar: BusinessCalendar,
    now: dt.datetime,
    at_risk_share: float = 0.75,
) -> ClockState:
    """The clock's state at ``now``.

    Let ``stop`` be ``done_at`` when the target was reached, else ``now``. Pauses are clipped
    to ``[started_at, stop]`` and merged (overlaps count once; an open pause runs to
    ``stop``; empty or inverted pauses are ignored).

    * ``used`` = business minutes in ``[started_at, stop)`` minus business minutes inside
      those pauses.
    * ``due_at`` = the first instant at which the running clock reaches ``target_minutes``,
      where the clock runs in business time outside the pauses up to ``stop`` and without
      pauses after ``stop``. So when ``used < target`` it is
      ``calendar.add(stop, target - used)``: a pause still running at ``now`` is treated as
      if the clock resumed at ``now``, and the due time moves later while the pause lasts.
      When ``used >= target`` it is the instant inside ``[started_at, stop]`` where the
      target was passed. It always lands in working time or at the end of an open interval.
    * ``business_minutes_left`` = ``target - used`` (negative = overdue; for a reached
      target, the margin at ``done_at``). ``used_share`` = ``used / target``.
    * ``state``: reached at or before ``due_at`` -> ``met``; reached after -> ``breached``
      (it stays a breach once closed, even when reached outside working time just after a
      due time at the end of a shift); not reached and ``used >= target`` -> ``breached``;
      paused at ``now`` (an open pause, or ``now`` inside a pause) -> ``paused``;
      ``used_share >= at_risk_share`` -> ``at_risk``; else ``on_track``.
    """
    start = _instant(facts.started_at)
    done = None if facts.done_at is None else _instant(facts.done_at)
    stop = _instant(now) if done is None else done
    goal = target_minutes * 60.0
    if facts.pauses:
        pauses, paused_now = _clipped_pauses(facts.pauses, start, stop)
    else:
        pauses, paused_now = [], False
    elapsed = calendar.seconds_between(start, stop)
    held = sum(calendar.seconds_between(low, high) for low, high in pauses)
    used = max(elapsed - held, 0.0)
    due = _due(calendar, start, goal, pauses)
    if done is not None:
        state: ClockStateName = "met" if done <= due + _TOLERANCE else "breached"
    elif used >= goal:
        state = "breached"
    elif paused_now:
        state = "paused"
    elif used >= at_risk_share * goal:
        state = "at_risk"
    else:
        state = "on_track"
    return ClockState(
        target,
        state,
        dt.datetime.fromtimestamp(due, dt.UTC),
        (goal - used) / 60.0,
        used / goal if goal > 0 else 1.0,
    )


def _due(
    calendar: BusinessCalendar, start: float, goal: float, pauses: list[tuple[float, float]]
) -> float:
    """The first instant where business time outside ``pauses`` since ``start`` reaches goal."""
    if goal <= 0:
        return start
    running, cursor = 0.0, start
    for low, high in pauses:
        segment = calendar.seconds_between(cursor, low)
        if running + segment >= goal:
            break
        running += segment
        cursor = max(cursor, high)
    return calendar.advance(cursor, goal - running)


def pause_intervals(
    stage_changes: Iterable[tuple[dt.datetime, str]],
    pause_stages: Collection[str],
    initial_stage: str = "",
    since: dt.datetime | None = None,
) -> tuple[Pause, ...]:
    """The intervals spent in a pause stage, from the event log's stage changes.

    ``stage_changes`` are ``(when, new stage name)``; they are sorted by time (stably, so
    same-instant changes keep their log order). Names compare case-insensitively and
    ignoring surrounding spaces. Moving between two pause stages keeps one interval;
    an interval still open at the last change ends in ``None``; empty ones are dropped.
    ``initial_stage`` is the stage before the first change, entered at ``since`` (the
    ticket's creation); ``since`` is required when ``initial_stage`` is a pause stage.
    """
    names = {name.strip().casefold() for name in pause_stages}
    begun: dt.datetime | None = None
    if initial_stage.strip().casefold() in names:
        if since is None:
            raise ValueError(f"initial stage {initial_stage!r} pauses the clock: pass since=")
        _instant(since)
        begun = since
    found: list[Pause] = []
    for when, stage in sorted(stage_changes, key=lambda change: _instant(change[0])):
        pausing = stage.strip().casefold() in names
        if pausing and begun is None:
            begun = when
        elif not pausing and begun is not None:
            if when > begun:
                found.append((begun, when))
            begun = None
    if begun is not None:
        found.append((begun, None))
    return tuple(found)
