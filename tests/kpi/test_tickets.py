"""The ticket KPI board against hand-computed values on a five-ticket fixture."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from hypercare.kpi.days import window
from hypercare.kpi.model import KpiValue
from hypercare.kpi.tickets import DEFINITIONS, RecordCounts, TicketColumns, ticket_board
from hypercare.triage.calendar import BusinessCalendar
from tests.kpi.fixtures import NOW, TICKETS, Row, columns, ts

BRU = "Europe/Brussels"
JUN = [dt.date(2025, 6, d) for d in (9, 10, 11, 12)]


def kpi(key: str, **kwargs: object) -> KpiValue:
    args: dict[str, object] = {"now": NOW, "timezone": BRU, "days": 4}
    args.update(kwargs)
    cols = args.pop("cols", columns(TICKETS))
    board = ticket_board(cols, **args)  # type: ignore[arg-type]
    found = board.get(key)
    assert found is not None
    return found


def values(k: KpiValue) -> list[float]:
    return [v for _, v in k.series]


def test_board_has_every_definition_in_order() -> None:
    board = ticket_board(columns(TICKETS), now=NOW, timezone=BRU, days=4)
    assert board.keys() == tuple(DEFINITIONS)
    assert (board.timezone, board.days, board.company) == (BRU, 4, None)
    assert board.get("nope") is None
    for k in board.kpis:
        spec = DEFINITIONS[k.key]
        assert (k.label, k.unit, k.direction, k.definition) == (
            spec.label, spec.unit, spec.direction, spec.definition)


def test_backlog_and_open_s1_and_policy_series() -> None:
    backlog = kpi("open_backlog")
    assert backlog.value == 3
    assert backlog.series == tuple(zip(JUN, [2.0, 2.0, 2.0, 3.0], strict=True))
    assert kpi("open_s1").value == 1
    assert values(kpi("open_s1")) == [0, 1, 1, 1]
    assert kpi("policy_open").value == 1
    assert values(kpi("policy_open")) == [1, 1, 1, 1]


def test_flows_with_a_day_without_inflow_and_the_utc_late_evening_ticket() -> None:
    inflow, outflow, net = kpi("inflow"), kpi("outflow"), kpi("net_flow")
    assert values(inflow) == [0, 1, 1, 1]  # Jun 9 has no inflow; 23:30 UTC -> Jun 11
    assert inflow.value == 0.75
    assert values(outflow) == [0, 1, 1, 0]
    assert outflow.value == 0.5
    assert values(net) == [0, 0, 0, 1]
    assert net.value == 0.25
    assert [d for d, _ in inflow.series] == JUN


def test_utc_day_split_would_differ() -> None:
    # The same data split in UTC puts the 23:30 ticket on Jun 10.
    assert values(kpi("inflow", timezone="UTC")) == [0, 2, 0, 1]


def test_aging_business_days_calendar_days_and_holidays() -> None:
    cal = BusinessCalendar.standard(BRU)
    aging = kpi("aging", calendar=cal)  # open: Jun 10 -> 2, Jun 5 -> 5, Jun 12 -> 0
    assert aging.value == 2
    assert aging.breakdown == (("0-1", 1.0), ("2-3", 1.0), ("4-7", 1.0), ("8-15", 0.0),
                               ("16+", 0.0))
    assert kpi("aging").breakdown[2] == ("4-7", 1.0)  # calendar days: 7
    whit = BusinessCalendar.standard(BRU, holidays=["2025-06-09"])
    assert kpi("aging", calendar=whit).breakdown[2] == ("4-7", 1.0)  # 4 business days
    old = Row(created=ts(2025, 5, 1, 8))
    assert kpi("aging", cols=columns([old]), calendar=cal).breakdown[-1] == ("16+", 1.0)


def test_mtta_by_severity_and_category() -> None:
    assign = kpi("mtta_assign")  # id1 2 h (S1 defect), id2 4 h (S3 training gap); id4 never
    assert assign.value == 3
    assert dict(assign.breakdown) == {"S3": 4.0, "S1": 2.0, "training_gap": 4.0, "defect": 2.0}
    response = kpi("mtta_response")
    assert response.value == 1.5
    assert dict(response.breakdown) == {"S3": 2.0, "S1": 1.0, "training_gap": 2.0,
                                        "defect": 1.0}


def test_mttr_by_category_and_time_to_workaround() -> None:
    mttr = kpi("mttr")  # id5 48 h S2 defect, id2 12.5 h S3 training_gap
    assert mttr.value == 30.25
    assert dict(mttr.breakdown) == {"S2": 48.0, "S3": 12.5, "defect": 48.0,
                                    "training_gap": 12.5}
    # id1: 3 h; id4: workaround existed before the ticket -> 0 h; id5 outside the window
    assert kpi("time_to_workaround").value == 1.5


def test_sla_and_reopen_rate() -> None:
    sla = kpi("sla_attainment")
    assert sla.value == 50.0
    assert sla.series == ((JUN[1], 0.0), (JUN[2], 100.0))
    assert sla.target == 90.0 and sla.on_target is False
    assert kpi("sla_breaches").value == 1
    assert kpi("reopen_rate").value == 50.0


def test_category_mix_and_training_gap_share() -> None:
    mix = kpi("category_mix")
    assert mix.value == 3
    assert [name for name, _ in mix.breakdown] == ["training_gap", "defect"]
    assert [share for _, share in mix.breakdown] == pytest.approx([200 / 3, 100 / 3])
    share = kpi("training_gap_share")
    assert share.value == pytest.approx(200 / 3)
    assert share.series == ((JUN[1], 0.0), (JUN[2], 100.0), (JUN[3], 100.0))


def test_top_apps_tags_and_loads() -> None:
    apps = kpi("top_apps")
    assert (apps.value, apps.breakdown) == (2, (("Accounting", 2.0), ("Inventory", 1.0)))
    tags = kpi("top_tags")
    assert (tags.value, tags.breakdown) == (2, (("invoice", 1.0), ("stock", 1.0)))
    assert kpi("top_tags", cols=columns(TICKETS, with_tags=False)).breakdown == ()
    twice = [Row(created=ts(2025, 6, 11, 7), tags=("a", "a", "")), Row(created=ts(2025, 6, 11, 8),
             tags=("b", "a"))]
    assert kpi("top_tags", cols=columns(twice)).breakdown == (("a", 2.0), ("b", 1.0))
    team = kpi("load_team")
    assert (team.value, team.breakdown) == (2, (("Sales", 2.0), ("Finance", 1.0)))
    people = kpi("load_assignee")
    assert people.value == 1
    assert people.breakdown == (("(unassigned)", 1.0), ("ann", 1.0), ("bob", 1.0))


def test_records_and_standup_throughput() -> None:
    records = RecordCounts(
        known_issues_open=2, tickets_behind_known_issues=7, decisions_open=4,
        decisions_overdue=1,
        standup_items_decided=((dt.date(2025, 6, 1), 50), (JUN[0], 3), (JUN[2], 5)),
    )
    assert kpi("known_issues_open", records=records).value == 2
    assert kpi("tickets_behind_known_issues", records=records).value == 7
    overdue = kpi("decisions_overdue", records=records)
    assert overdue.value == 1 and overdue.breakdown == (("open", 4.0), ("overdue", 1.0))
    standup = kpi("standup_throughput", records=records)  # Jun 1 is outside the window
    assert standup.value == 4 and standup.series == ((JUN[0], 3.0), (JUN[2], 5.0))
    assert kpi("standup_throughput").value is None


def test_company_cut_is_case_insensitive() -> None:
    board = ticket_board(columns(TICKETS), now=NOW, timezone=BRU, days=4, company="ACME")
    assert board.company == "ACME"
    backlog = board.get("open_backlog")
    assert backlog is not None and backlog.value == 2  # Beta's policy ticket is cut
    policy = board.get("policy_open")
    assert policy is not None and policy.value == 0
    none = ticket_board(columns(TICKETS), now=NOW, timezone=BRU, company="Gamma")
    assert none.get("open_backlog") == kpi("open_backlog", cols=TicketColumns.empty(),
                                           days=14)


def test_targets_override_definitions() -> None:
    sla = kpi("sla_attainment", targets={"sla_attainment": 40.0, "open_backlog": 5.0})
    assert sla.target == 40.0 and sla.on_target is True
    assert kpi("open_backlog", targets={"open_backlog": 5.0}).on_target is True
    assert kpi("mttr").on_target is None


def test_no_tickets() -> None:
    board = ticket_board(TicketColumns.empty(), now=NOW, timezone=BRU)
    assert len(board.kpis) == len(DEFINITIONS)
    get = {k.key: k for k in board.kpis}
    assert get["open_backlog"].value == 0 and len(get["open_backlog"].series) == 14
    assert get["inflow"].value == 0 and get["net_flow"].value == 0
    for key in ("aging", "mtta_assign", "mtta_response", "mttr", "time_to_workaround",
                "sla_attainment", "reopen_rate", "training_gap_share", "standup_throughput"):
        assert get[key].value is None, key
    assert get["load_team"].value == 0 and get["load_assignee"].breakdown == ()
    assert get["top_apps"].value == 0 and get["category_mix"].breakdown == ()


def test_all_closed() -> None:
    rows = [Row(created=ts(2025, 6, 10, 7), closed=ts(2025, 6, 11, 7), is_closed=True,
                sla_state="met"),
            Row(created=ts(2025, 6, 1, 7), closed=float("nan"), is_closed=True)]
    board = ticket_board(columns(rows), now=NOW, timezone=BRU, days=4)
    get = {k.key: k for k in board.kpis}
    assert get["open_backlog"].value == 0
    # closed at an unknown time: never open in the history
    assert values(get["open_backlog"]) == [0, 1, 0, 0]
    assert get["aging"].value is None
    assert [n for _, n in get["aging"].breakdown] == [0] * 5
    assert get["sla_attainment"].value == 100 and get["reopen_rate"].value == 0
    assert get["load_team"].value == 0


def test_reopened_ticket_is_open_and_counts_in_reopen_rate() -> None:
    rows = [Row(created=ts(2025, 6, 9, 7), closed=ts(2025, 6, 10, 7), is_closed=False,
                reopen_count=1),
            Row(created=ts(2025, 6, 9, 7), closed=ts(2025, 6, 11, 7), is_closed=True,
                reopen_count=2)]
    board = ticket_board(columns(rows), now=NOW, timezone=BRU, days=4)
    get = {k.key: k for k in board.kpis}
    assert get["open_backlog"].value == 1
    assert values(get["open_backlog"]) == [2, 2, 1, 1]  # the reopened one stays open
    assert values(get["outflow"]) == [0, 0, 1, 0]  # only the close that stuck
    assert get["reopen_rate"].value == 100


def test_dst_autumn_day_is_25_hours() -> None:
    now = dt.datetime(2025, 10, 27, 12, tzinfo=dt.UTC)
    rows = [Row(created=ts(2025, 10, 25, 22, 30)),  # 00:30 CEST Oct 26
            Row(created=ts(2025, 10, 26, 22, 30)),  # 23:30 CET Oct 26 (25th hour)
            Row(created=ts(2025, 10, 26, 23, 0)),   # 00:00 CET Oct 27
            Row(created=ts(2025, 10, 25, 21, 59))]  # 23:59 CEST Oct 25
    inflow = kpi("inflow", cols=columns(rows), now=now, days=3)
    assert inflow.series == ((dt.date(2025, 10, 25), 1.0), (dt.date(2025, 10, 26), 2.0),
                             (dt.date(2025, 10, 27), 1.0))
    backlog = kpi("open_backlog", cols=columns(rows), now=now, days=3)
    assert values(backlog) == [1, 3, 4]  # the midnight ticket opens on Oct 27
    grid, _ = window(now, ZoneInfo(BRU), 3)
    assert np.diff(grid.bounds).tolist() == [86400.0, 25 * 3600.0, 86400.0]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="timezone"):
        ticket_board(TicketColumns.empty(), now=NOW, timezone="Mars/Base")
    with pytest.raises(ValueError, match="aware"):
        ticket_board(TicketColumns.empty(), now=NOW.replace(tzinfo=None), timezone=BRU)
    with pytest.raises(ValueError, match="days"):
        ticket_board(TicketColumns.empty(), now=NOW, timezone=BRU, days=0)


def test_series_start_at_the_go_live_never_with_zeros_before_it() -> None:
    late = kpi("open_backlog", days=10, go_live=JUN[1])
    assert late.series and late.series[0][0] == JUN[1]
    # unset: from the day the first ticket was created (no days of zeros before it)
    first = kpi("inflow", days=30)
    assert first.series[0][0] >= min(
        dt.datetime.fromtimestamp(t, ZoneInfo(BRU)).date()
        for t in columns(TICKETS).created if not np.isnan(t))
