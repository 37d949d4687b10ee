"""SLA clocks: first response, workaround and resolution targets on a business calendar.

One clock runs per ticket and target. It counts business minutes from the ticket's creation
until the target is reached (or until ``now``), minus the business minutes spent in pause
stages (waiting on the reporter, waiting on a decision). See :func:`evaluate_clock` for the
exact rules and :func:`pause_intervals` for reading pauses from the event log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sized
from dataclasses import dataclass
from functools import lru_cache
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
    used, pauses, paused_now = _used(calendar, start, stop, facts.pauses)
    goal = target_minutes * 60.0
    return _state(target, start, done, goal, used, _due(calendar, start, goal, pauses),
                  paused_now, at_risk_share)


def evaluate_clocks(
    started_at: dt.datetime,
    pauses: tuple[Pause, ...],
    targets: Iterable[tuple[ClockTarget, float, dt.datetime | None]],
    calendar: BusinessCalendar,
    now: dt.datetime,
    at_risk_share: float = 0.75,
) -> list[ClockState]:
    """:func:`evaluate_clock` for each ``(target, target_minutes, done_at)`` of one ticket
    (started at ``started_at``, paused in ``pauses``): the same states, in the same order,
    with what they share worked out once (the time used up to ``now``, the pauses)."""
    start = _instant(started_at)
    at_now = _instant(now)
    found: list[ClockState] = []
    if not pauses:  # most tickets: the time used and the due time in one calendar call
        for target, minutes, done_at in targets:
            done = None if done_at is None else _instant(done_at)
            goal = minutes * 60.0
            stop = at_now if done is None else done
            if goal <= 0:
                used, due = calendar.seconds_between(start, stop), start
            else:
                used, due = calendar.used_and_due(start, stop, goal)
            found.append(_state(target, start, done, goal, max(used, 0.0), due, False,
                                at_risk_share))
        return found
    used_by: dict[float, tuple[float, list[tuple[float, float]], bool]] = {}
    for target, minutes, done_at in targets:
        done = None if done_at is None else _instant(done_at)
        stop = at_now if done is None else done
        known = used_by.get(stop)
        if known is None:
            known = used_by[stop] = _used(calendar, start, stop, pauses)
        spent, clipped, paused_now = known
        goal = minutes * 60.0
        found.append(_state(target, start, done, goal, spent,
                            _due(calendar, start, goal, clipped), paused_now, at_risk_share))
    return found


def _used(calendar: BusinessCalendar, start: float, stop: float, pauses: tuple[Pause, ...]
          ) -> tuple[float, list[tuple[float, float]], bool]:
    """Business seconds used in ``[start, stop)`` outside the pauses, the pauses clipped to
    ``[start, stop]``, and whether ``stop`` is inside one."""
    if not pauses:  # most clocks: nothing held
        return max(calendar.seconds_between(start, stop), 0.0), [], False
    clipped, paused_now = _clipped_pauses(pauses, start, stop)
    elapsed = calendar.seconds_between(start, stop)
    held = sum(calendar.seconds_between(low, high) for low, high in clipped)
    return max(elapsed - held, 0.0), clipped, paused_now


def _state(target: ClockTarget, start: float, done: float | None, goal: float, used: float,
           due: float, paused_now: bool, at_risk_share: float) -> ClockState:
    """The clock's state from the time it used and its due time (see
    :func:`evaluate_clock`)."""
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
    names = _folded(tuple(pause_stages))
    initially = initial_stage.strip().casefold() in names
    if not initially and isinstance(stage_changes, Sized) and not len(stage_changes):
        return ()  # no stage ever changed (most tickets): never paused
    begun: dt.datetime | None = None
    if initially:
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


@lru_cache(maxsize=64)
def _folded(names: tuple[str, ...]) -> frozenset[str]:
    """Stage names as compared: case-insensitive, surrounding spaces ignored."""
    return frozenset(name.strip().casefold() for name in names)
