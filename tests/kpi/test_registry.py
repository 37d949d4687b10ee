"""The metric registry: windows named the way people read them, values rounded and united
the same way everywhere, rules said as written, and no pre-go-live zeros."""

from __future__ import annotations

import datetime as dt

import pytest

from hypercare.errors import UsageError
from hypercare.kpi.exit import CriterionInput, evaluate_exit
from hypercare.kpi.registry import (
    METRICS,
    Window,
    format_value,
    parse_week,
    point_label,
    rule_text,
    value_text,
)

TODAY = dt.date(2026, 12, 7)  # a Monday


def test_windows_read_the_way_people_say_them() -> None:
    assert Window.last_days(14, TODAY).label == "in the last 14 days"
    assert Window.last_days(14, TODAY).first == dt.date(2026, 11, 24)
    assert Window.last_days(1, TODAY).label == "today"
    assert Window.day(dt.date(2026, 12, 6), TODAY).label == "on Sun 6 Dec"
    this = Window.week(TODAY, TODAY)
    assert (this.label, this.first, this.last) == ("this week", TODAY, TODAY)
    assert Window.week(dt.date(2026, 11, 30), TODAY).label == "last week (2026-W49)"
    assert Window.week(dt.date(2026, 11, 23), TODAY).label == "in 2026-W48"


def test_values_are_rounded_for_people_with_their_unit() -> None:
    assert value_text(82.6123, "%", Window.week(TODAY, TODAY)) == "82.6 % this week"
    assert format_value(4.80278, "%") == "4.8 %"
    assert format_value(1, "tickets") == "1 ticket" and format_value(41, "tickets") == "41 tickets"
    assert format_value(1.53, "tickets/day", short=True) == "1.5/day"
    assert format_value(12030.0, "tickets") == "12,030 tickets"
    assert format_value(None, "%") == "-"


def test_rules_are_said_as_written() -> None:
    assert rule_text("<=", 20, "%") == "<= 20 %"
    assert rule_text(">=", 90, "%") == ">= 90 %"
    assert rule_text("==", 0, "tickets") == "= 0 tickets"
    assert rule_text("falling", None, "tickets") == "falling"


def test_a_history_point_names_its_days() -> None:
    # by date, never "today": a pack is read days after it was made
    assert point_label("open_backlog", TODAY, TODAY) == "on Mon 7 Dec"
    assert point_label("open_backlog", dt.date(2026, 12, 6), TODAY) == "on Sun 6 Dec"
    assert point_label("open_backlog", dt.date(2025, 12, 6), TODAY) == "on Sat 6 Dec 2025"
    assert point_label("sla_attainment", TODAY, TODAY, short=True) == "14 d to 7 Dec"
    assert point_label("sla_attainment", dt.date(2026, 12, 6), TODAY) == \
        "in the 14 days to Sun 6 Dec"
    assert {"sla_attainment", "training_gap_share", "receivables_overdue_amount"} <= set(METRICS)


@pytest.mark.parametrize("text", ["2026-W54", "W48", ""])
def test_a_bad_week_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_week(text)


def test_the_forecast_and_a_falling_criterion_judge_the_same_days() -> None:
    # pre-go-live zeros left out by the caller: a backlog falling for 10 days since go-live
    days = [TODAY - dt.timedelta(days=9 - i) for i in range(10)]
    backlog = [(d, float(v)) for d, v in zip(days, [60, 58, 57, 52, 50, 47, 45, 41, 40, 38],
                                             strict=True)]
    falling = CriterionInput("falling", "metric", "Backlog falling for 10 days",
                             metric="open_backlog", op="falling", for_days=10)
    report = evaluate_exit([falling], history={"open_backlog": backlog}, today=TODAY)
    assert report.criteria[0].status == "met"
    assert report.forecast.converging
    # the same days with pre-go-live zeros in front would have read as "not converging"
    zeros = [(days[0] - dt.timedelta(days=i + 1), 0.0) for i in range(4)]
    padded = evaluate_exit([], history={"open_backlog": zeros + backlog}, today=TODAY)
    assert not padded.forecast.converging
