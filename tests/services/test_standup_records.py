"""What a stand-up records, on SQLite and PostgreSQL: one entry per item and field (the last
value wins, the history keeps every change), a refused decision writes nothing anywhere,
undo takes back the person's own newest change only, and the minutes say what happened."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, table

from hypercare.errors import HypercareError, UsageError
from hypercare.services import Services, Viewer
from hypercare.store import standups
from tests.triage.test_sweep import MONDAY_NOON, add_ticket, make


@pytest.fixture(params=["sqlite", "postgresql"])
def services(request: pytest.FixtureRequest, model_dir: Path) -> Iterator[Services]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    built = make(url, model_dir)
    if request.param == "postgresql":
        built.system.upgrade_db()
    try:
        for odoo_id in (1, 2, 3):
            add_ticket(built, odoo_id, created=MONDAY_NOON - timedelta(hours=odoo_id),
                       severity=odoo_id)
        yield built
    finally:
        built.close()


def who(services: Services, name: str) -> Viewer:
    return services.context.access.viewer(name)


def every_row(services: Services) -> dict[str, int]:
    engine = services.context.store().engine
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table(name)))
                .scalar_one() for name in inspect(engine).get_table_names()}


def entries(services: Services, standup_id: int) -> list[tuple[str, str, object, str]]:
    with services.context.store().session() as session:
        return [(e.item_ref, e.field, e.value, e.decided_by)
                for e in standups.entries(standup_id, session=session)]


def ticket(services: Services, ref: str) -> tuple[str, str, int]:
    shown = services.tickets.show_ticket(ref=ref, viewer=who(services, "lea")).ticket
    return shown.category, shown.category_source, shown.severity


def test_the_last_value_wins_and_the_history_keeps_every_change(services: Services) -> None:
    lea = who(services, "lea")
    standup = services.standup.start(viewer=lea)
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea, severity=2)
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea, severity=3,
                            owner="Marc")
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea,
                            next_step="reproduce in staging", due=date(2026, 11, 25))
    assert sorted(entries(services, standup)) == sorted([
        ("T1", "severity", 3, "lea"), ("T1", "owner", "Marc", "lea"),
        ("T1", "next_step", "reproduce in staging", "lea"), ("T1", "due", "2026-11-25", "lea")])
    with services.context.store().session() as session:
        history = [c.changes for c in standups.item_history("T1", session=session)]
        actions = standups.actions_of(standup, session=session)
    assert history[0] == {"severity": 2} and history[1] == {"severity": 3, "owner": "Marc"}
    # one action per item and stand-up, brought up to date
    assert [(a.owner, a.text, a.due_date) for a in actions] == [
        ("Marc", "reproduce in staging", date(2026, 11, 25))]
    assert ticket(services, "T1")[2] == 3


def test_a_refused_decision_writes_nothing_anywhere(services: Services) -> None:
    lea = who(services, "lea")
    standup = services.standup.start(viewer=lea)
    before = every_row(services)
    # the category is valid, the workaround is not (no known issue): nothing of it stays
    with pytest.raises(UsageError, match="not linked to a known issue"):
        services.standup.record(standup_id=standup, item_ref="T2", viewer=lea,
                                category="training_gap", severity=1, owner="Marc",
                                workaround="use the old screen")
    assert every_row(services) == before
    assert ticket(services, "T2")[1] != "human"
    services.standup.end(standup_id=standup, viewer=lea)
    ended = every_row(services)
    with pytest.raises(HypercareError, match="has ended"):
        services.standup.record(standup_id=standup, item_ref="T2", viewer=lea, severity=1)
    assert every_row(services) == ended
    assert ticket(services, "T2")[2] == 2  # as the ticket was, not the refused S1


def test_undo_takes_back_the_viewers_own_newest_change_only(services: Services) -> None:
    lea, marc = who(services, "lea"), who(services, "marc")
    standup = services.standup.start(viewer=lea, attendees=("lea", "marc"))
    services.triage.classify_stored([1])  # the classifier's own verdict, as after a sync
    before_t1 = ticket(services, "T1")
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea,
                            category="policy_ambiguity")
    services.standup.record(standup_id=standup, item_ref="T3", viewer=marc, severity=1)
    assert services.standup.undo_last(standup_id=standup, viewer=lea) == "T1"
    assert ticket(services, "T1") == before_t1
    assert ticket(services, "T3")[2] == 1  # marc's newer decision stands
    assert entries(services, standup) == [("T3", "severity", 1, "marc")]
    with pytest.raises(HypercareError, match="nothing in this stand-up"):
        services.standup.undo_last(standup_id=standup, viewer=lea)
    # lea decides the same field after marc: marc's older decision can no longer be undone
    services.standup.record(standup_id=standup, item_ref="T3", viewer=lea, severity=2)
    with pytest.raises(HypercareError, match="lea changed severity on T3 after you"):
        services.standup.undo_last(standup_id=standup, viewer=marc)
    assert entries(services, standup) == [("T3", "severity", 2, "lea")]


def test_undo_puts_the_previous_value_back(services: Services) -> None:
    lea = who(services, "lea")
    standup = services.standup.start(viewer=lea)
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea, owner="Marc")
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea, owner="Ana")
    services.standup.undo_last(standup_id=standup, viewer=lea)
    assert entries(services, standup) == [("T1", "owner", "Marc", "lea")]
    with services.context.store().session() as session:
        assert [a.owner for a in standups.actions_of(standup, session=session)] == ["Marc"]


def test_minutes_report_what_the_meeting_recorded(services: Services) -> None:
    lea = who(services, "lea")
    old = services.standup.start(viewer=lea)
    services.standup.record(standup_id=old, item_ref="T3", viewer=lea, owner="Ana",
                            next_step="call the bank")
    services.standup.end(standup_id=old, viewer=lea)
    standup = services.standup.start(viewer=lea, attendees=("lea",))
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea, severity=2,
                            owner="Marc", next_step="patch the VAT report")
    question = services.standup.raise_question(
        standup_id=standup, item_ref="T1", viewer=lea, question="Who approves refunds?",
        owner="Finance (Marie)", due=date(2026, 11, 27))
    minutes = services.standup.end(standup_id=standup, viewer=lea).minutes

    def section(title: str) -> str:
        return minutes.split(f"## {title}\n")[1].split("\n## ")[0]

    assert "T1 ticket 1" in section("Handled items")
    assert "severity -> S2" in section("Handled items")
    assert "policy question -> " + question in section("Handled items")
    assert "patch the VAT report" in section("New actions")
    assert "patch the VAT report" not in section("Carried-over actions")
    assert "call the bank" in section("Carried-over actions")
    assert f"| {question} | Who approves refunds? | Finance (Marie) | 2026-11-27 | T1 |" in \
        section("New policy questions")
    not_reached = section("Not reached, carried over")
    assert "T1" not in not_reached and "T2" in not_reached


def test_the_tickets_event_log_keeps_every_stand_up_value(services: Services) -> None:
    lea = who(services, "lea")
    standup = services.standup.start(viewer=lea)
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea, owner="Marc")
    services.standup.record(standup_id=standup, item_ref="T1", viewer=lea, owner="Ana")
    services.standup.undo_last(standup_id=standup, viewer=lea)
    log = services.tickets.show_ticket(ref="T1", viewer=lea).events
    decided = [(e.body, e.actor, e.to_value) for e in log if e.kind == "standup_decision"]
    assert decided == [("owner -> Marc", "lea", f"stand-up #{standup}"),
                       ("owner -> Ana (undone)", "lea", f"stand-up #{standup}")]
