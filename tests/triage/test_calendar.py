"""Business calendars: concrete cases (weekends, holidays, split/night shifts, DST) and
hypothesis properties of the business-time arithmetic."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypercare.triage.calendar import BusinessCalendar, Shift

BRU = ZoneInfo("Europe/Brussels")
CHI = ZoneInfo("America/Chicago")
UTC = dt.UTC


def at(tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0,
       second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)


def test_friday_afternoon_four_hours_is_due_monday_noon() -> None:
    cal = BusinessCalendar.standard("Europe/Brussels")
    due = cal.add(at(BRU, 2025, 6, 6, 16), 240)
    assert due == at(BRU, 2025, 6, 9, 12)
    assert due.tzinfo is UTC
    assert cal.minutes_between(at(BRU, 2025, 6, 6, 16), due) == 240


def test_holidays_are_skipped() -> None:
    holidays: list[dt.date | str] = ["2025-12-25", dt.date(2025, 12, 26)]
    cal = BusinessCalendar.standard("Europe/Brussels", holidays=holidays)
    due = cal.add(at(BRU, 2025, 12, 24, 16), 120)  # Wed 16:00; Thu+Fri holidays
    assert due == at(BRU, 2025, 12, 29, 10)
    assert cal.minutes_between(at(BRU, 2025, 12, 24), at(BRU, 2025, 12, 30)) == 2 * 480
    assert not cal.is_open(at(BRU, 2025, 12, 25, 10))


def test_split_shift_skips_lunch() -> None:
    cal = BusinessCalendar.standard("Europe/Brussels", hours=("08:00-12:00", "13:00-17:00"))
    monday = at(BRU, 2025, 6, 2)
    assert cal.minutes_between(monday, monday + dt.timedelta(days=1)) == 480
    assert cal.add(at(BRU, 2025, 6, 2, 11), 60) == at(BRU, 2025, 6, 2, 12)  # end of a shift
    assert cal.add(at(BRU, 2025, 6, 2, 11), 90) == at(BRU, 2025, 6, 2, 13, 30)
    assert not cal.is_open(at(BRU, 2025, 6, 2, 12, 30))
    assert cal.open_intervals(at(BRU, 2025, 6, 2, 10), at(BRU, 2025, 6, 2, 14)) == [
        (at(BRU, 2025, 6, 2, 10), at(BRU, 2025, 6, 2, 12)),
        (at(BRU, 2025, 6, 2, 13), at(BRU, 2025, 6, 2, 14)),
    ]


def test_night_shift_spans_midnight_and_the_weekend_boundary() -> None:
    cal = BusinessCalendar.standard("Europe/Brussels", days="mon-fri", hours="22:00-06:00")
    # Friday's shift runs into Saturday morning; nothing starts on Saturday or Sunday,
    # so Monday 03:00 (Sunday's night) is closed and Tuesday 03:00 (Monday's) is open.
    assert cal.is_open(at(BRU, 2025, 6, 7, 5, 59))
    assert not cal.is_open(at(BRU, 2025, 6, 7, 6))
    assert not cal.is_open(at(BRU, 2025, 6, 8, 23))
    assert not cal.is_open(at(BRU, 2025, 6, 9, 3))
    assert cal.is_open(at(BRU, 2025, 6, 10, 3))
    assert cal.add(at(BRU, 2025, 6, 7, 4), 180) == at(BRU, 2025, 6, 9, 23)
    assert cal.add(at(BRU, 2025, 6, 3, 12), 8 * 60) == at(BRU, 2025, 6, 4, 6)
    week = cal.minutes_between(at(BRU, 2025, 6, 2, 12), at(BRU, 2025, 6, 9, 12))
    assert week == 5 * 8 * 60


def test_a_holiday_cancels_the_night_shift_starting_that_day_only() -> None:
    cal = BusinessCalendar.standard("Europe/Brussels", days="mon-sun", hours="22:00-06:00",
                                    holidays=["2025-06-04"])
    assert cal.is_open(at(BRU, 2025, 6, 4, 3))  # Tuesday's shift, into the holiday
    assert not cal.is_open(at(BRU, 2025, 6, 4, 23))
    assert not cal.is_open(at(BRU, 2025, 6, 5, 3))


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [("Europe/Brussels", dt.date(2025, 3, 30), dt.date(2025, 10, 26)),
     ("America/Chicago", dt.date(2025, 3, 9), dt.date(2025, 11, 2))],
)
def test_dst_day_shift_is_eight_real_hours(zone: str, spring: dt.date, autumn: dt.date) -> None:
    tz = ZoneInfo(zone)
    cal = BusinessCalendar.standard(zone, days="mon-sun")
    for day in (spring, autumn):
        start = dt.datetime.combine(day, dt.time(0), tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
        assert cal.minutes_between(start, end) == 480
        assert cal.add(start, 480) == dt.datetime.combine(day, dt.time(17), tz)


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [("Europe/Brussels", dt.date(2025, 3, 29), dt.date(2025, 10, 25)),
     ("America/Chicago", dt.date(2025, 3, 8), dt.date(2025, 11, 1))],
)
def test_dst_night_shift_is_seven_or_nine_real_hours(
    zone: str, spring: dt.date, autumn: dt.date
) -> None:
    tz = ZoneInfo(zone)
    cal = BusinessCalendar.standard(zone, days="mon-sun", hours="22:00-06:00")
    for day, hours in ((spring, 7), (autumn, 9)):
        noon = dt.datetime.combine(day, dt.time(12), tz)
        assert cal.minutes_between(noon, noon + dt.timedelta(days=1)) == hours * 60
        ((start, end),) = cal.open_intervals(noon, noon + dt.timedelta(days=1))
        assert end - start == dt.timedelta(hours=hours)
        assert start.astimezone(tz).hour == 22 and end.astimezone(tz).hour == 6


def test_gap_and_fold_boundaries() -> None:
    # 02:30 does not exist on 30 March in Brussels: the shift starts at 03:00 CEST.
    cal = BusinessCalendar.standard("Europe/Brussels", days="sun", hours="02:30-04:00")
    spring = at(BRU, 2025, 3, 30)
    assert cal.open_intervals(spring, spring + dt.timedelta(days=1)) == [
        (dt.datetime(2025, 3, 30, 1, tzinfo=UTC), dt.datetime(2025, 3, 30, 2, tzinfo=UTC))]
    # 02:30 happens twice on 26 October: the first one (CEST) is used.
    autumn = at(BRU, 2025, 10, 26)
    ((start, end),) = cal.open_intervals(autumn, autumn + dt.timedelta(days=1))
    assert start == dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert end == dt.datetime(2025, 10, 26, 3, tzinfo=UTC)


def test_always_open_is_wall_clock() -> None:
    cal = BusinessCalendar.standard("Europe/Brussels", always_open=True, holidays=["2025-03-30"])
    start = at(BRU, 2025, 3, 29, 12)  # over the spring-forward night: a 47-hour weekend
    assert cal.minutes_between(start, at(BRU, 2025, 3, 31, 12)) == 47 * 60
    assert cal.add(start, 1440) == at(BRU, 2025, 3, 30, 13)
    assert cal.is_open(at(BRU, 2025, 3, 30, 3))


def test_whole_day_shift_and_zero_minutes() -> None:
    cal = BusinessCalendar.standard("UTC", days="sat-sun", hours="00:00-24:00")
    saturday = at(ZoneInfo("UTC"), 2025, 6, 7)
    assert cal.minutes_between(saturday, saturday + dt.timedelta(days=7)) == 2 * 1440
    closed = at(ZoneInfo("UTC"), 2025, 6, 9, 10)
    assert cal.add(closed, 0) == closed
    assert cal.add(closed, 1) == at(ZoneInfo("UTC"), 2025, 6, 14, 0, 1)


def test_same_answers_whatever_the_cache_history() -> None:
    warm = BusinessCalendar.standard("America/Chicago", hours=("08:00-12:00", "13:00-17:00"))
    for year in (2031, 2019, 2025):
        warm.add(at(CHI, year, 1, 1), 5000)
    cold = BusinessCalendar.standard("America/Chicago", hours=("08:00-12:00", "13:00-17:00"))
    start = at(CHI, 2025, 3, 7, 15)
    assert warm.add(start, 20_000) == cold.add(start, 20_000)
    assert warm.minutes_between(start, at(CHI, 2026, 1, 1)) == cold.minutes_between(
        start, at(CHI, 2026, 1, 1))
    assert warm == cold and hash(warm) == hash(cold)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"timezone": "Mars/Olympus"}, "unknown timezone"),
     ({"days": "mon-fry"}, "bad days"),
     ({"hours": ("9-17",)}, "bad time"),
     ({"hours": ("09:00",)}, "bad hours"),
     ({"hours": ("25:00-26:00",)}, "bad time"),
     ({"hours": ("09:00-09:00",)}, "empty shift"),
     ({"hours": ()}, "no working hours"),
     ({"holidays": ["25/12/2025"]}, "bad holiday")],
)
def test_bad_input_raises_a_clear_error(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"timezone": "Europe/Brussels", **kwargs}
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.standard(**args)  # type: ignore[arg-type]


def test_parsing_days_and_naive_datetimes() -> None:
    cal = BusinessCalendar.standard("UTC", days="mon,tue, thu", hours="08:00-12:00,13:00-17:00")
    assert sorted(cal.week) == [0, 1, 3]
    assert cal.week[0] == (Shift(dt.time(8), dt.time(12)), Shift(dt.time(13), dt.time(17)))
    assert sorted(BusinessCalendar.standard("UTC", days="fri-mon").week) == [0, 4, 5, 6]
    with pytest.raises(ValueError, match="naive"):
        cal.is_open(dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="weekday"):
        BusinessCalendar("UTC", {7: (Shift(dt.time(8), dt.time(9)),)})


# -- properties ---------------------------------------------------------------------------

ZONES = ("UTC", "Europe/Brussels", "America/Chicago", "Australia/Lord_Howe", "Asia/Kolkata")
quarter_hours = st.integers(0, 95).map(lambda q: dt.time(q // 4, q % 4 * 15))


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    if draw(st.integers(0, 9)) == 0:
        return BusinessCalendar(draw(st.sampled_from(ZONES)), {}, always_open=True)
    shifts = []
    for _ in range(draw(st.integers(1, 3))):
        start, end = draw(quarter_hours), draw(quarter_hours)
        shifts.append(Shift(start, end))
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    holidays = draw(st.frozensets(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
                                  max_size=40))
    return BusinessCalendar(draw(st.sampled_from(ZONES)), {d: tuple(shifts) for d in days},
                            holidays)


moments = st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2026, 6, 30),
                       timezones=st.sampled_from([UTC, BRU, CHI]))
minutes = st.floats(0, 6000, allow_nan=False)
SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(calendars(), moments, minutes)
def test_add_then_measure_round_trips(cal: BusinessCalendar, start: dt.datetime,
                                      amount: float) -> None:
    assert cal.minutes_between(start, cal.add(start, amount)) == pytest.approx(amount, abs=1e-6)


@SETTINGS
@given(calendars(), moments, minutes, minutes)
def test_add_is_monotonic(cal: BusinessCalendar, start: dt.datetime, a: float,
                          b: float) -> None:
    low, high = sorted((a, b))
    assert start.astimezone(UTC) <= cal.add(start, low) <= cal.add(start, high)


@SETTINGS
@given(calendars(), moments, st.floats(1e-3, 6000))
def test_a_due_time_lands_in_working_time_or_at_an_interval_end(
    cal: BusinessCalendar, start: dt.datetime, amount: float
) -> None:
    due = cal.add(start, amount)
    if not cal.is_open(due):
        before = cal.open_intervals(due - dt.timedelta(days=2), due)
        assert before and before[-1][1] == due


@SETTINGS
@given(calendars(), moments, st.timedeltas(dt.timedelta(0), dt.timedelta(days=20)),
       st.timedeltas(dt.timedelta(0), dt.timedelta(days=20)))
def test_minutes_between_is_additive(cal: BusinessCalendar, a: dt.datetime,
                                     ab: dt.timedelta, bc: dt.timedelta) -> None:
    b = a.astimezone(UTC) + ab  # real time: wall-clock + can go back over a fall-back hour
    c = b + bc
    total = cal.minutes_between(a, b) + cal.minutes_between(b, c)
    assert total == pytest.approx(cal.minutes_between(a, c), abs=1e-6)
    wall = (c.astimezone(UTC) - a.astimezone(UTC)).total_seconds() / 60
    assert 0 <= cal.minutes_between(a, c) <= wall + 1e-6
    assert cal.minutes_between(c, a) == 0


@SETTINGS
@given(calendars(), moments, st.timedeltas(dt.timedelta(0), dt.timedelta(days=10)))
def test_open_intervals_agree_with_minutes_and_is_open(
    cal: BusinessCalendar, a: dt.datetime, span: dt.timedelta
) -> None:
    spans = cal.open_intervals(a, a + span)
    measured = sum((end - start).total_seconds() for start, end in spans) / 60
    assert measured == pytest.approx(cal.minutes_between(a, a + span), abs=1e-6)
    for (start, end), (after, _) in itertools.pairwise(spans):
        assert start < end < after
    for start, end in spans:
        assert cal.is_open(start) and cal.is_open(start + (end - start) / 2)
