"""Realistic time boxes: a section walks what fits at 20 seconds an item, the rest is carried
over to the next stand-up."""

from __future__ import annotations

import datetime as dt

import pytest

from hypercare.triage.standup import (
    DEFAULT_TIMEBOXES,
    ITEM_SECONDS,
    AgendaTicket,
    OpenAction,
    build_agenda,
    fitting,
)
from tests.triage.test_standup import NOW, SINCE, ticket


def severe_41() -> list[AgendaTicket]:
    """41 S1/S2 tickets: ten S1 first by id, then 31 S2 due one minute apart (latest first)."""
    s1 = [ticket(n, severity=1, severity_confirmed=True) for n in range(1, 11)]
    s2 = [ticket(n, severity=2, sla_due_at=NOW + dt.timedelta(minutes=100 - n))
          for n in range(11, 42)]
    return s2 + s1  # given out of order: the agenda orders them


def test_41_severe_items_in_5_minutes_fit_15_and_carry_26() -> None:
    agenda = build_agenda(tickets=severe_41(), since=SINCE, now=NOW)
    severe = next(s for s in agenda.sections if s.key == "severe")
    assert severe.timebox_minutes == 5 and ITEM_SECONDS == 20
    assert (len(severe.items), len(severe.carried), severe.total) == (15, 26, 41)
    walked = [i.ref for i in severe.items]
    # most urgent first: every S1 (natural ref order), then the S2 due soonest
    assert walked[:10] == [f"HD-{n:03d}" for n in range(1, 11)]
    assert walked[10:] == ["HD-041", "HD-040", "HD-039", "HD-038", "HD-037"]
    carried = [i.ref for i in severe.carried]
    assert carried[0] == "HD-036" and carried[-1] == "HD-011"
    assert not set(walked) & set(carried)
    assert agenda.item_count == 15 and agenda.carried_count == 26
    assert agenda.items() == severe.items and agenda.carried() == severe.carried


def test_items_and_carried_keep_section_order() -> None:
    tickets = [*severe_41(),
               *(ticket(100 + n, sla_state="breached",
                        sla_due_at=NOW - dt.timedelta(minutes=n)) for n in range(20)),
               ticket(200, category_confidence=0.3)]
    actions = [OpenAction(n, f"HD-{n:03d}", f"step {n}", "lea", None) for n in range(1, 13)]
    agenda = build_agenda(tickets=tickets, actions=actions, since=SINCE, now=NOW)
    sizes = {s.key: (len(s.items), len(s.carried)) for s in agenda.sections}
    assert sizes == {"actions": (9, 3), "severe": (15, 26), "sla": (15, 5),
                     "escalations": (0, 0), "known_issues": (0, 0), "decisions": (0, 0),
                     "unclassified": (1, 0)}
    assert [i.section for i in agenda.items()] == (
        ["actions"] * 9 + ["severe"] * 15 + ["sla"] * 15 + ["unclassified"])
    assert [i.section for i in agenda.carried()] == ["actions"] * 3 + ["severe"] * 26 + [
        "sla"] * 5
    assert agenda.item_count == 40 and agenda.carried_count == 34
    # a ticket is walked or carried, never both, and still appears once in all
    refs = [i.ref for i in (*agenda.items(), *agenda.carried()) if i.kind == "ticket"]
    assert len(refs) == len(set(refs)) == 62


def test_item_seconds_and_timeboxes_set_the_fit() -> None:
    agenda = build_agenda(tickets=severe_41(), since=SINCE, now=NOW, item_seconds=60,
                          timeboxes={"severe": 10})
    severe = next(s for s in agenda.sections if s.key == "severe")
    assert (len(severe.items), len(severe.carried)) == (10, 31)
    everything = build_agenda(tickets=severe_41(), since=SINCE, now=NOW, item_seconds=1)
    assert everything.carried_count == 0 and everything.item_count == 41


def test_a_time_box_holds_at_least_one_item() -> None:
    assert fitting(0) == 1 and fitting(1, 90) == 1
    assert fitting(5) == 15 and fitting(3) == 9
    agenda = build_agenda(tickets=severe_41(), since=SINCE, now=NOW, timeboxes={"severe": 0})
    severe = next(s for s in agenda.sections if s.key == "severe")
    assert (len(severe.items), len(severe.carried)) == (1, 40)


def test_default_time_boxes_carry_nothing_on_a_quiet_day() -> None:
    agenda = build_agenda(tickets=[ticket(1, severity=2), ticket(2)], since=SINCE, now=NOW)
    assert agenda.carried_count == 0 and agenda.carried() == ()
    assert all(s.carried == () for s in agenda.sections)
    assert [s.timebox_minutes for s in agenda.sections] == list(DEFAULT_TIMEBOXES.values())


@pytest.mark.parametrize("seconds", [0, -20])
def test_item_seconds_must_be_positive(seconds: int) -> None:
    with pytest.raises(ValueError, match="item_seconds"):
        build_agenda(tickets=[], since=SINCE, now=NOW, item_seconds=seconds)
    with pytest.raises(ValueError, match="item_seconds"):
        fitting(5, seconds)
