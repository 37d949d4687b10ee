"""Exit criteria (metric, milestone, sign-off) and the backlog burn-down forecast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from hypercare.kpi.exit import CriterionInput, evaluate_exit, forecast_exit

TODAY = dt.date(2025, 7, 1)


def days(values: Sequence[float], end: dt.date = TODAY) -> list[tuple[dt.date, float]]:
    start = end - dt.timedelta(days=len(values) - 1)
    return [(start + dt.timedelta(days=i), v) for i, v in enumerate(values)]


def one(criterion: CriterionInput, history: dict[str, list[tuple[dt.date, float]]]
        ) -> tuple[str, str, str, str]:
    status = evaluate_exit([criterion], history=history, today=TODAY).criteria[0]
    return status.status, status.value, status.trend, status.detail


# -- forecast ---------------------------------------------------------------------------

def test_forecast_exact_line() -> None:
    line = days([100 - 5 * i for i in range(11)])  # 100 .. 50, -5/day
    f = forecast_exit(line, today=TODAY)
    assert f.converging
    assert f.exit_date == f.earliest == f.latest == TODAY + dt.timedelta(days=10)


def test_forecast_band_by_hand() -> None:
    # slope -6.4, centroid (-1.5, 30), residual SE 0.566, t(0.9, 2) = 1.886
    f = forecast_exit(days([40, 32, 28, 20]), today=TODAY)
    assert f.converging
    assert f.exit_date == TODAY + dt.timedelta(days=4)  # x* = 3.19
    assert f.earliest == TODAY + dt.timedelta(days=3)  # slope -7.47 -> 2.52
    assert f.latest == TODAY + dt.timedelta(days=5)  # slope -5.33 -> 4.13
    assert "6.4 tickets/day" in f.explanation


def test_forecast_uses_last_14_points_and_a_target() -> None:
    history = days([10.0] * 10 + [100 - 5 * i for i in range(14)])
    f = forecast_exit(history, target=20, today=TODAY)
    assert f.exit_date == TODAY + dt.timedelta(days=3)  # 35 now, -5/day to 20


def test_forecast_diverging_and_short() -> None:
    f = forecast_exit(days([10, 12, 11, 14]), today=TODAY)
    assert not f.converging and f.exit_date is None
    assert f.explanation.startswith("not converging: inflow keeps up with outflow")
    flat = forecast_exit(days([10, 10, 10]), today=TODAY)
    assert not flat.converging
    short = forecast_exit(days([10, 5]), today=TODAY)
    assert not short.converging and short.explanation.startswith("not enough history")


def test_forecast_already_at_target_and_noisy_upper_band() -> None:
    assert forecast_exit(days([5, 2, 0]), today=TODAY).exit_date == TODAY
    noisy = forecast_exit(days([30, 10, 40, 5]), today=TODAY)
    assert noisy.converging and noisy.latest is None and "may not converge" in noisy.explanation


# -- metric criteria --------------------------------------------------------------------

def s1(for_days: int = 5) -> CriterionInput:
    return CriterionInput(key="no_s1", kind="metric", label="No open S1", metric="open_s1",
                          op="<=", target=0, for_days=for_days)


def test_metric_held_for_n_days() -> None:
    status, value, trend, _ = one(s1(), {"open_s1": days([1, 0, 0, 0, 0, 0])})
    assert (status, value, trend) == ("met", "0 tickets on Tue 1 Jul", "improving")
    assert one(s1(), {"open_s1": days([0, 0, 0])})[0] == "pending"
    assert one(s1(), {"open_s1": days([0, 0, 1])})[0] == "not_met"
    assert one(s1(), {})[0] == "pending"
    # points after today are ignored
    future = [*days([0] * 5), (TODAY + dt.timedelta(days=1), 3.0)]
    assert one(s1(), {"open_s1": future})[0] == "met"


def test_metric_at_risk_when_streak_short_and_worsening() -> None:
    sla = CriterionInput(key="sla", kind="metric", label="SLA", metric="sla_attainment",
                         op=">=", target=90, for_days=3)
    status, value, trend, _ = one(sla, {"sla_attainment": days([99, 80, 95, 92])})
    assert (status, value, trend) == ("at_risk", "92 % in the 14 days to Tue 1 Jul", "worsening")
    assert one(sla, {"sla_attainment": days([80, 85, 92])})[:3] == (
        "pending", "92 % in the 14 days to Tue 1 Jul", "improving")
    assert one(sla, {"sla_attainment": days([91, 92, 91.5])})[0] == "met"


def test_metric_falling_and_equals_and_no_target() -> None:
    falling = CriterionInput(key="b", kind="metric", label="Backlog falling",
                             metric="open_backlog", op="falling", for_days=10)
    assert one(falling, {"open_backlog": days([50 - 2 * i for i in range(12)])})[0] == "met"
    # one uptick does not break the robust rule
    bumpy = [50, 48, 47, 49, 45, 44, 43, 44, 41, 40]
    assert one(falling, {"open_backlog": days(bumpy)})[0] == "met"
    assert one(falling, {"open_backlog": days([40 + i for i in range(10)])})[0] == "not_met"
    assert one(falling, {"open_backlog": days([5, 4, 3])})[0] == "pending"
    decided = CriterionInput(key="d", kind="metric", label="Every decision taken",
                             metric="decisions_open", op="==", target=0)
    assert one(decided, {"decisions_open": days([3, 1, 0])})[:3] == (
        "met", "0 on Tue 1 Jul", "improving")
    no_target = CriterionInput(key="x", kind="metric", label="x", metric="adoption")
    assert one(no_target, {"adoption": days([0.9])})[0] == "pending"


def test_metric_flat_trend() -> None:
    users = CriterionInput(key="u", kind="metric", label="Adoption", metric="adoption",
                           op=">=", target=85)
    assert one(users, {"adoption": days([87.0, 87.2, 87.1])})[:3] == (
        "met", "87.1 on Tue 1 Jul", "flat")


# -- milestones and sign-offs -------------------------------------------------------------

def test_milestones() -> None:
    def ms(**kw: object) -> str:
        c = CriterionInput(key="m", kind="milestone", label="Month-end close", **kw)  # type: ignore[arg-type]
        return one(c, {})[0]

    assert ms(due=TODAY - dt.timedelta(days=1), done_on=TODAY - dt.timedelta(days=2)) == "met"
    assert ms(due=TODAY - dt.timedelta(days=1)) == "not_met"
    assert ms(due=TODAY + dt.timedelta(days=3)) == "at_risk"
    assert ms(due=TODAY + dt.timedelta(days=30)) == "pending"
    assert ms() == "pending"


def test_sign_off_and_readiness() -> None:
    signed = CriterionInput(key="s", kind="sign_off", label="CFO sign-off", owner="CFO",
                            done_on=TODAY, done_by="Marie")
    waiting = CriterionInput(key="s", kind="sign_off", label="CFO sign-off", owner="CFO")
    status, value, _, _ = one(signed, {})
    assert status == "met" and "Marie" in value and str(TODAY) in value
    assert one(waiting, {})[0] == "pending"
    backlog = {"open_backlog": days([40, 32, 28, 20])}
    ready = evaluate_exit([signed], history=backlog, today=TODAY)
    assert ready.ready and ready.forecast.exit_date == TODAY + dt.timedelta(days=4)
    assert ready.now == dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
    assert not evaluate_exit([signed, waiting], history=backlog, today=TODAY).ready
    assert not evaluate_exit([], history={}, today=TODAY).ready


@pytest.mark.parametrize("target", [0.0, 25.0])
def test_evaluate_exit_forecast_target(target: float) -> None:
    r = evaluate_exit([], history={"open_backlog": days([40, 32, 28, 20])}, today=TODAY,
                      backlog_target=target)
    assert r.forecast.converging
    assert r.forecast.exit_date == (TODAY if target == 25 else TODAY + dt.timedelta(days=4))
