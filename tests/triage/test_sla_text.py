"""The one SLA time formatter: business hours vs 24x7, over and left, due today or another
day, met clocks, breached clocks at zero, paused clocks, and clocks across a weekend."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hypercare.triage.calendar import BusinessCalendar
from hypercare.triage.sla import ClockFacts, evaluate_clock
from hypercare.triage.sla_text import (
    ClockTime,
    clock_text,
    due_text,
    short_text,
    span_text,
    status_text,
    time_text,
    when_text,
)

BRU = "Europe/Brussels"
ZONE = ZoneInfo(BRU)
NOW = dt.datetime(2026, 11, 30, 15, 0, tzinfo=ZONE)  # Monday afternoon in Brussels
OFFICE = BusinessCalendar.standard(BRU)  # mon-fri 09:00-17:00
ALWAYS = BusinessCalendar.standard(BRU, always_open=True)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


def text(state: str, left: float | None, *, always_open: bool = False,
         met_at: dt.datetime | None = None) -> str:
    return time_text(ClockTime(state, left, None, met_at, always_open), now=NOW, zone=BRU)


@pytest.mark.parametrize(("minutes", "business", "calendar"), [
    (30 * 60 + 12, "30 bh 12 bm", "30 h 12 m"), (4 * 60, "4 bh", "4 h"), (45, "45 bm", "45 m"),
    (26 * 60, "26 bh", "26 h"), (-(30 * 60 + 12), "30 bh 12 bm", "30 h 12 m"),
    (59.6, "1 bh", "1 h"), (0.4, "0 bm", "0 m"),
])
def test_spans_have_units_and_never_days(minutes: float, business: str, calendar: str) -> None:
    assert span_text(minutes) == business
    assert span_text(minutes, always_open=True) == calendar


def test_business_time_over_and_left() -> None:
    assert text("breached", -(30 * 60 + 12)) == "30 bh 12 bm over"
    assert text("at_risk", 4 * 60) == "4 bh left"
    assert text("on_track", 45) == "45 bm left"
    assert text("on_track", 3 * 60 + 10) == "3 bh 10 bm left"


def test_calendar_time_only_for_24x7_clocks() -> None:
    assert text("breached", -26 * 60, always_open=True) == "26 h over, 24x7"
    assert text("on_track", 3 * 60 + 10, always_open=True) == "3 h 10 m left, 24x7"
    assert "bh" not in text("breached", -26 * 60, always_open=True)
    assert "h over" not in text("breached", -26 * 60).replace("bh over", "")


@pytest.mark.parametrize("left", [0.0, -0.2, 0.3, 1e-9])
def test_a_breached_clock_at_zero_reads_due_now(left: float) -> None:
    assert text("breached", left) == "due now"
    assert short_text(ClockTime("breached", left)) == "due now"
    assert text("at_risk", left) == "due now"  # the same words, whatever the state


def test_a_breached_clock_never_reads_left() -> None:
    for left in (0.0, 0.4, 5.0, 90.0):  # stale or inconsistent inputs included
        assert "left" not in text("breached", left)
        assert "left" not in short_text(ClockTime("breached", left))


def test_breached_at_zero_through_the_real_clock() -> None:
    """At 17:00 sharp a 09:00 ticket with an 8 h target has 0 business minutes left and is
    breached: "due now", never "0 bm left"."""
    state = evaluate_clock("resolution", ClockFacts(at(30, 9), None), 8 * 60, OFFICE,
                           now=at(30, 17))
    assert state.state == "breached" and state.business_minutes_left == 0
    clock = ClockTime(state.state, state.business_minutes_left, state.due_at)
    assert time_text(clock, now=at(30, 17), zone=BRU) == "due now"
    assert clock_text(clock, now=at(30, 17), zone=BRU) == "due now"
    assert status_text(clock, now=at(30, 17), zone=BRU) == "breached, due now"


def test_due_today_shows_the_time_another_day_shows_the_date() -> None:
    assert due_text(at(30, 17), now=NOW, zone=BRU) == "due 17:00"
    assert due_text(at(1, 17, month=12), now=NOW, zone=BRU) == "due Tue 1 Dec 17:00"
    assert due_text(at(27, 9), now=NOW, zone=BRU) == "due Fri 27 Nov 09:00"
    assert due_text(dt.datetime(2027, 1, 4, 9, tzinfo=ZONE), now=NOW,
                    zone=BRU) == "due Mon 4 Jan 2027 09:00"
    assert due_text(None, now=NOW, zone=BRU) == ""


def test_today_is_the_given_timezones_day() -> None:
    """23:30 UTC on Monday is already Tuesday in Brussels."""
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    assert when_text(late, now=NOW, zone=BRU) == "Tue 1 Dec 00:30"
    assert when_text(late, now=NOW, zone="UTC") == "23:30"
    assert when_text(late, now=NOW, zone=dt.UTC) == "23:30"


def test_a_met_clock_shows_when_it_was_met() -> None:
    met = ClockTime("met", 30.0, at(30, 17), at(30, 14, 5))
    assert time_text(met, now=NOW, zone=BRU) == "met 14:05"
    assert time_text(met, now=at(1, 10, month=12), zone=BRU) == "met Mon 30 Nov 14:05"
    assert clock_text(met, now=at(1, 10, month=12), zone=BRU) == "met Mon 30 Nov 14:05"
    assert "left" not in time_text(met, now=NOW, zone=BRU)
    assert time_text(ClockTime("met", 30.0), now=NOW, zone=BRU) == "met"  # when unknown
    assert short_text(met) == "met"


def test_a_target_reached_late_says_when_and_how_late() -> None:
    late = ClockTime("breached", -130.0, at(27, 9), at(30, 14, 5))
    assert time_text(late, now=NOW, zone=BRU) == "reached 14:05, 2 bh 10 bm late"
    assert clock_text(late, now=at(1, 9, month=12), zone=BRU,
                      state=True) == "breached, reached Mon 30 Nov 14:05, 2 bh 10 bm late"


def test_paused_clocks_say_paused_with_what_is_left() -> None:
    assert text("paused", 4 * 60) == "paused, 4 bh left"
    assert text("paused", 90, always_open=True) == "paused, 1 h 30 m left, 24x7"
    assert status_text(ClockTime("paused", 240.0), now=NOW, zone=BRU) == "paused, 4 bh left"


def test_status_and_full_line() -> None:
    clock = ClockTime("breached", -(30 * 60 + 12), at(1, 17, month=12))
    assert status_text(clock, now=NOW, zone=BRU) == "breached, 30 bh 12 bm over"
    assert clock_text(clock, now=NOW, zone=BRU) == "30 bh 12 bm over · due Tue 1 Dec 17:00"
    s1 = ClockTime("on_track", 190.0, at(30, 18, 10), always_open=True)
    assert clock_text(s1, now=NOW, zone=BRU,
                      state=True) == "on track, 3 h 10 m left, 24x7 · due 18:10"
    assert status_text(ClockTime("", None), now=NOW, zone=BRU) == ""


def test_short_form_keeps_its_unit() -> None:
    assert short_text(ClockTime("breached", -(30 * 60 + 12))) == "30 bh over"
    assert short_text(ClockTime("at_risk", 4 * 60 + 50)) == "4 bh left"
    assert short_text(ClockTime("on_track", 45)) == "45 bm left"
    assert short_text(ClockTime("breached", -26 * 60, always_open=True)) == "26 h over"
    assert short_text(ClockTime("on_track", None)) == ""
    assert short_text(ClockTime("breached", -999 * 60)) == "999 bh over"  # the TUI's 11 cells
    assert short_text(ClockTime("breached", -(30 * 60 + 12)), state=True) == "breached 30 bh over"
    assert short_text(ClockTime("paused", 240.0), state=True) == "paused 4 bh left"
    assert short_text(ClockTime("on_track", 1.0e-3), state=True) == "on track due now"
    assert short_text(ClockTime("met", 30.0), state=True) == "met"


def test_moments_can_be_rendered_by_the_front_end() -> None:
    """Slack renders moments as ``<!date>`` tokens; the words stay the formatter's."""
    def token(moment: dt.datetime, shown: str) -> str:
        return f"<{int(moment.timestamp())}|{shown}>"

    clock = ClockTime("at_risk", 60.0, at(1, 17, month=12))
    epoch = int(at(1, 17, month=12).timestamp())
    assert clock_text(clock, now=NOW, zone=BRU,
                      moment=token) == f"1 bh left · due <{epoch}|Tue 1 Dec 17:00>"


def test_stored_clocks_read_back() -> None:
    stored = {"target": "resolution", "state": "met", "due_at": at(1, 17, month=12).isoformat(),
              "business_minutes_left": 30.0, "used_share": 0.9,
              "met_at": at(30, 14, 5).isoformat(), "always_open": False}
    clock = ClockTime.from_stored(stored)
    assert clock == ClockTime("met", 30.0, at(1, 17, month=12), at(30, 14, 5), False)
    older = {"target": "resolution", "state": "on_track", "due_at": None,
             "business_minutes_left": 60}  # stored before met_at and always_open
    assert ClockTime.from_stored(older, always_open=True) == ClockTime(
        "on_track", 60.0, None, None, True)


def test_a_clock_across_a_weekend_counts_business_hours_not_days() -> None:
    """Raised Friday 16:00 with a 4-hour target: on Saturday morning 3 business hours are
    left, due Monday 12:00 (not "2d"); the same target on a 24x7 clock is 14 hours over."""
    friday, saturday = at(27, 16), at(28, 10)
    office = evaluate_clock("resolution", ClockFacts(friday, None), 240, OFFICE, now=saturday)
    clock = ClockTime(office.state, office.business_minutes_left, office.due_at)
    assert clock_text(clock, now=saturday, zone=BRU) == "3 bh left · due Mon 30 Nov 12:00"
    s1 = evaluate_clock("resolution", ClockFacts(friday, None), 240, ALWAYS, now=saturday)
    clock = ClockTime(s1.state, s1.business_minutes_left, s1.due_at, always_open=True)
    assert clock_text(clock, now=saturday, zone=BRU,
                      state=True) == "breached, 14 h over, 24x7 · due Fri 27 Nov 20:00"
    late = evaluate_clock("resolution", ClockFacts(friday, None), 240, OFFICE, now=at(1, 10,
                                                                                      month=12))
    over = ClockTime(late.state, late.business_minutes_left, late.due_at)
    assert time_text(over, now=at(1, 10, month=12), zone=BRU) == "6 bh over"
