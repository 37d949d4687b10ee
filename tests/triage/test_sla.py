"""SLA clocks: states, due times with pauses, pauses from the event log, and properties."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypercare.triage.calendar import BusinessCalendar
from hypercare.triage.sla import ClockFacts, evaluate_clock, pause_intervals

BRU = ZoneInfo("Europe/Brussels")
UTC = dt.UTC
CAL = BusinessCalendar.standard("Europe/Brussels", hours=("08:00-12:00", "13:00-17:00"),
                                holidays=["2025-06-09"])
OFFICE = BusinessCalendar.standard("Europe/Brussels")
MONDAY = dt.datetime(2025, 6, 2, 9, tzinfo=BRU)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 6, day, hour, minute, tzinfo=BRU)


def test_friday_afternoon_ticket_is_due_monday_noon() -> None:
    facts = ClockFacts(started_at=at(6, 16), done_at=None)
    state = evaluate_clock("resolution", facts, 240, OFFICE, now=at(6, 16, 30))
    assert state.due_at == at(9, 12)
    assert state.state == "on_track"
    assert state.business_minutes_left == 210
    assert state.used_share == pytest.approx(30 / 240)


@pytest.mark.parametrize(
    ("now", "expected", "left"),
    [(at(2, 10), "on_track", 420), (at(2, 15, 30), "at_risk", 90),
     (at(2, 17), "breached", 0), (at(3, 9), "breached", 0), (at(3, 10), "breached", -60)],
)
def test_open_ticket_states(now: dt.datetime, expected: str, left: float) -> None:
    facts = ClockFacts(started_at=at(2, 9), done_at=None)
    state = evaluate_clock("resolution", facts, 480, OFFICE, now=now)
    assert (state.state, state.business_minutes_left, state.due_at) == (expected, left, at(2, 17))


def test_at_risk_share_is_configurable() -> None:
    facts = ClockFacts(started_at=at(2, 9), done_at=None)
    assert evaluate_clock("workaround", facts, 480, OFFICE, at(2, 13), 0.5).state == "at_risk"
    assert evaluate_clock("workaround", facts, 480, OFFICE, at(2, 13)).state == "on_track"


def test_met_and_breached_when_done() -> None:
    met = evaluate_clock("first_response", ClockFacts(at(2, 9), at(2, 10)), 120, OFFICE, at(5, 9))
    assert (met.state, met.business_minutes_left, met.due_at) == ("met", 60, at(2, 11))
    late = evaluate_clock("first_response", ClockFacts(at(2, 9), at(2, 12)), 120, OFFICE, at(5, 9))
    assert (late.state, late.business_minutes_left, late.used_share) == ("breached", -60, 1.5)


def test_a_breach_stays_a_breach_after_closing() -> None:
    facts = ClockFacts(at(2, 9), done_at=None)
    assert evaluate_clock("resolution", facts, 60, OFFICE, at(2, 11)).state == "breached"
    closed = ClockFacts(at(2, 9), done_at=at(2, 11))
    for later in (at(2, 12), at(20, 9)):
        assert evaluate_clock("resolution", closed, 60, OFFICE, later).state == "breached"
    # Reached after a due time at the end of a shift, though no business time passed.
    weekend = ClockFacts(at(6, 16), done_at=at(7, 10))
    state = evaluate_clock("resolution", weekend, 60, OFFICE, at(9, 9))
    assert (state.state, state.due_at, state.business_minutes_left) == ("breached", at(6, 17), 0)


def test_a_pause_from_the_event_log_pushes_the_due_time() -> None:
    log = [(at(2, 9), "New"), (at(2, 10), "Waiting for customer"), (at(3, 10), "In Progress")]
    pauses = pause_intervals(log, {"waiting for customer"})
    assert pauses == ((at(2, 10), at(3, 10)),)
    facts = ClockFacts(at(2, 9), None, pauses)
    state = evaluate_clock("resolution", facts, 240, CAL, now=at(3, 11))
    assert state.state == "on_track"
    assert state.business_minutes_left == 120  # 9-10 Monday, 10-11 Tuesday
    assert state.due_at == at(3, 14)  # lunch is not counted


def test_a_running_pause_is_paused_and_the_clock_resumes_at_now() -> None:
    facts = ClockFacts(at(2, 9), None, ((at(2, 10), None),))
    state = evaluate_clock("resolution", facts, 240, CAL, now=at(3, 9))
    assert state.state == "paused"
    assert state.business_minutes_left == 180
    assert state.due_at == at(3, 12)
    later = evaluate_clock("resolution", facts, 240, CAL, now=at(3, 15))
    assert (later.due_at, later.state) == (at(4, 9), "paused")


def test_paused_but_already_breached_is_breached() -> None:
    facts = ClockFacts(at(2, 9), None, ((at(2, 11), None),))
    state = evaluate_clock("resolution", facts, 60, CAL, now=at(2, 15))
    assert state.state == "breached"
    assert state.due_at == at(2, 10)
    assert state.business_minutes_left == -60


def test_holiday_and_overlapping_pauses() -> None:
    pauses = ((at(5, 14), at(6, 10)), (at(6, 9), at(6, 11)), (at(1, 9), at(2, 10)))
    facts = ClockFacts(at(2, 9), None, pauses)
    state = evaluate_clock("resolution", facts, 16 * 60, CAL, now=at(10, 8))
    # Mon 10-12 + 13-17 (paused until 10), Tue 8 h, Wed 8-10: 16 h by Wednesday 10:00.
    assert state.state == "breached"
    assert state.due_at == at(4, 10)
    facts = ClockFacts(at(5, 13), None, pauses)
    state = evaluate_clock("resolution", facts, 8 * 60, CAL, now=at(6, 12))
    # Thu 13-14 and Fri 11-12 used; then Fri 13-17, Monday 9th is a holiday, Tue 8-10.
    assert state.business_minutes_left == 6 * 60
    assert state.due_at == at(10, 10)


def test_pause_intervals_reads_the_log() -> None:
    log = [(at(2, 12), "in progress"), (at(2, 9), "new"), (at(2, 10), "Waiting on Reporter"),
           (at(2, 11), "waiting on decision"), (at(3, 9), "Waiting on reporter")]
    assert pause_intervals(log, ["waiting on reporter", " Waiting on Decision "]) == (
        (at(2, 10), at(2, 12)), (at(3, 9), None))
    assert pause_intervals([], ["waiting"]) == ()
    assert pause_intervals([(at(2, 10), "x")], ["waiting"], "waiting", since=at(2, 9)) == (
        (at(2, 9), at(2, 10)),)
    with pytest.raises(ValueError, match="since"):
        pause_intervals([], ["waiting"], "Waiting")


def test_twenty_four_seven_clock_counts_wall_minutes() -> None:
    s1 = BusinessCalendar.standard("Europe/Brussels", always_open=True)
    state = evaluate_clock("resolution", ClockFacts(at(7, 22), None), 240, s1, now=at(8, 1))
    assert state.due_at == at(8, 2) and state.state == "at_risk"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        evaluate_clock("resolution", ClockFacts(dt.datetime(2025, 6, 2), None), 60, CAL, at(2, 9))


# -- properties ---------------------------------------------------------------------------

WINDOW = st.integers(0, 14 * 24 * 60).map(lambda m: MONDAY + dt.timedelta(minutes=m))


@st.composite
def facts_and_now(draw: st.DrawFn) -> tuple[ClockFacts, dt.datetime]:
    started = draw(WINDOW)
    now = draw(WINDOW)
    done = draw(st.none() | WINDOW.filter(lambda d: d >= started))
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        begin = draw(WINDOW)
        length = draw(st.none() | st.integers(0, 5 * 24 * 60))
        end = None if length is None else begin + dt.timedelta(minutes=length)
        pauses.append((begin, end))
    return ClockFacts(started, done, tuple(pauses)), now


@settings(max_examples=300, deadline=None)
@given(facts_and_now(), st.sampled_from([60.0, 240.0, 480.0, 2400.0]),
       st.sampled_from([CAL, OFFICE]))
def test_pauses_never_shorten_elapsed_time(
    case: tuple[ClockFacts, dt.datetime], minutes: float, cal: BusinessCalendar
) -> None:
    facts, now = case
    plain = ClockFacts(facts.started_at, facts.done_at)
    with_pauses = evaluate_clock("resolution", facts, minutes, cal, now)
    without = evaluate_clock("resolution", plain, minutes, cal, now)
    assert with_pauses.used_share <= without.used_share + 1e-9
    assert with_pauses.business_minutes_left >= without.business_minutes_left - 1e-6
    assert with_pauses.due_at is not None and without.due_at is not None
    assert with_pauses.due_at >= without.due_at - dt.timedelta(microseconds=1)
    assert with_pauses.used_share >= 0
    if without.state == "met":
        assert with_pauses.state == "met"
    if with_pauses.state == "breached" and facts.done_at is None:
        assert without.state == "breached"


@settings(max_examples=200, deadline=None)
@given(facts_and_now(), st.sampled_from([60.0, 240.0, 2400.0]), st.sampled_from([CAL, OFFICE]))
def test_the_clock_reads_exactly_the_target_at_its_due_time(
    case: tuple[ClockFacts, dt.datetime], minutes: float, cal: BusinessCalendar
) -> None:
    facts, now = case
    closed = tuple((begin, end) for begin, end in facts.pauses if end is not None and end <= now)
    facts = ClockFacts(facts.started_at, None, closed)
    due = evaluate_clock("resolution", facts, minutes, cal, now).due_at
    assert due is not None
    at_due = evaluate_clock("resolution", facts, minutes, cal, due)
    assert at_due.used_share == pytest.approx(1.0, abs=1e-9)
    assert at_due.due_at is not None
    assert abs(at_due.due_at - due) <= dt.timedelta(microseconds=1)
    if not cal.is_open(due):
        assert cal.open_intervals(due - dt.timedelta(days=3), due)[-1][1] == due
