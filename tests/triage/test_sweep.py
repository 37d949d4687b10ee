"""The SLA sweep through the services: clocks, escalations, the outbox and its fatigue rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hypercare.config import EscalationLevel, EscalationSettings, Settings, TriageSettings
from hypercare.services import Services
from hypercare.store.tables import Ticket, TicketClassification, TicketEvent
from tests.support import new_services, viewer, watching

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday, UTC calendar 09-17


def levels() -> list[EscalationLevel]:
    return [EscalationLevel(level=1, name="super-users", contacts=["S0SUPER"]),
            EscalationLevel(level=2, name="lead", contacts=["U0LEAD"]),
            EscalationLevel(level=3, name="partner", contacts=["U0PARTNER"]),
            EscalationLevel(level=4, name="sponsor", contacts=["U0SPONSOR"])]


def make(sqlite_url: str, model_dir: Path, **escalation: Any) -> Services:
    settings = Settings(
        database_url=sqlite_url, timezone="UTC",
        triage=TriageSettings(model_dir=model_dir),
        escalation=EscalationSettings(levels=levels(), **{"quiet_hours": None, **escalation}),
    )
    return new_services(settings, clock=lambda: MONDAY_NOON)


@pytest.fixture
def services(sqlite_url: str, model_dir: Path) -> Iterator[Services]:
    built = make(sqlite_url, model_dir)
    watching(built)  # hypercare has been watching: what breaches now is news
    try:
        yield built
    finally:
        built.close()


def add_ticket(services: Services, odoo_id: int, *, created: datetime, severity: int,
               confirmed: bool = False, closed_at: datetime | None = None,
               first_response: datetime | None = None, reopens: int = 0,
               stages: tuple[tuple[datetime, str], ...] = ()) -> None:
    with services.context.store().session() as session:
        session.add(Ticket(odoo_id=odoo_id, ref=f"T{odoo_id}", title=f"ticket {odoo_id}",
                           company="Acme BE", team="Finance", created_at=created,
                           updated_at=created, is_closed=closed_at is not None,
                           closed_at=closed_at, first_response_at=first_response,
                           reopen_count=reopens))
        session.add(TicketClassification(
            ticket_odoo_id=odoo_id, category="defect", guess="defect", confidence=0.9,
            source="model", severity=severity, severity_source="human" if confirmed else "auto",
            app="Accounting"))
        for number, (at, stage) in enumerate(stages):
            session.add(TicketEvent(ticket_odoo_id=odoo_id, source_key=f"s{number}",
                                    kind="stage_changed", at=at, to_value=stage))


def view(services: Services, odoo_id: int) -> Any:
    return next(t for t in services.tickets.list_tickets(viewer=viewer(services, "lea"))
                if t.odoo_id == odoo_id)


def test_clock_states_land_in_the_ticket_list(services: Services) -> None:
    # S3 resolution target is 40 business hours; S1 8 hours.
    add_ticket(services, 1, created=MONDAY_NOON - timedelta(hours=1), severity=3)
    add_ticket(services, 2, created=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), severity=1)
    add_ticket(services, 3, created=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), severity=2,
               stages=((datetime(2026, 11, 23, 10, 0, tzinfo=UTC), "Waiting on Customer"),))
    report = services.sla.sweep()
    assert report.tickets == 3
    on_track, breached, paused = view(services, 1), view(services, 2), view(services, 3)
    assert on_track.sla_state == "on_track"
    assert on_track.sla_business_minutes_left == pytest.approx(40 * 60 - 60)
    assert on_track.sla_due_at is not None and on_track.sla_due_at > MONDAY_NOON
    assert breached.sla_state == "breached" and breached.sla_business_minutes_left < 0
    assert paused.sla_state == "paused"
    assert {c["target"] for c in on_track.sla_clocks} == {"first_response", "resolution"}


def test_clocks_keep_when_they_were_met_and_whether_they_run_24x7(services: Services) -> None:
    """What the SLA formatter needs: each clock's ``met_at`` (None while it runs) and
    ``always_open``; the read models' ``sla_met_at`` and ``sla_24x7``; an alert's clock."""
    closed = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
    answered = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    add_ticket(services, 1, created=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), severity=3,
               first_response=answered, closed_at=closed)
    add_ticket(services, 2, created=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), severity=1,
               confirmed=True)
    add_ticket(services, 3, created=MONDAY_NOON - timedelta(hours=1), severity=3)
    services.sla.sweep()
    done, s1, running = view(services, 1), view(services, 2), view(services, 3)
    by_target = {c["target"]: c for c in done.sla_clocks}
    assert by_target["resolution"]["met_at"] == closed.isoformat()
    assert by_target["first_response"]["met_at"] == answered.isoformat()
    assert done.sla_state == "met" and done.sla_met_at == closed and not done.sla_24x7
    assert all(c["met_at"] is None and c["always_open"] is False for c in running.sla_clocks)
    assert running.sla_met_at is None
    assert s1.sla_24x7 and all(c["always_open"] for c in s1.sla_clocks)
    rows = {r.odoo_id: r for r in services.queue.load_rows(viewer=viewer(services, "lea"))}
    assert rows[2].sla_24x7 and not rows[3].sla_24x7
    # one escalation at L2: the confirmed S1 and its breached clocks, its clock the breached one
    breach = next(m for m in services.sla.list_outbox()
                  if m.payload.get("ticket", {}).get("odoo_id") == 2)
    assert breach.kind == "confirmed_s1"
    assert breach.payload["triggers"][0] == "confirmed_s1" and any(
        t.endswith("_breached") for t in breach.payload["triggers"])
    target = breach.payload["sla"]["target"]
    assert breach.payload["sla"]["state"] == "breached"
    stored = next(c for c in s1.sla_clocks if c["target"] == target)
    assert breach.payload["sla"] == {**stored, "timezone": "UTC",
                                     "evaluated_at": MONDAY_NOON.isoformat()}


def test_breach_escalates_once_then_climbs_without_acknowledgement(sqlite_url: str,
                                                                   model_dir: Path) -> None:
    services = make(sqlite_url, model_dir, ack_minutes=30, approval_from_level=5)
    watching(services)
    try:
        add_ticket(services, 7, created=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), severity=2)
        first = services.sla.sweep()
        assert first.new_escalations.get("breach", 0) >= 1
        assert view(services, 7).escalation_level == 2
        again = services.sla.sweep()  # the same breach: nothing new
        assert again.new_escalations == {} and again.messages == {}
        later = services.sla.sweep(now=MONDAY_NOON + timedelta(minutes=45))
        assert later.new_escalations == {"no_ack": 1}
        assert view(services, 7).escalation_level == 3
        outbox = services.sla.list_outbox()
        assert {m.recipients[0] for m in outbox} >= {"U0LEAD", "U0PARTNER"}
        assert all(m.payload["ticket"]["ref"] == "T7" for m in outbox)
    finally:
        services.close()


def test_l3_waits_for_approval_and_acknowledgement_stops_the_climb(services: Services) -> None:
    add_ticket(services, 8, created=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), severity=2)
    services.sla.sweep()
    climbing = services.sla.sweep(now=MONDAY_NOON + timedelta(minutes=45))
    assert climbing.pending_approval == 1  # L3 needs a lead (approval_from_level=3)
    pending = [m for m in services.sla.list_outbox() if m.kind == "approval_request"]
    assert pending and pending[0].recipients == ("U0LEAD",)
    escalation_id = pending[0].payload["escalation_id"]
    assert view(services, 8).escalation_level == 2  # not escalated before approval
    services.sla.approve(escalation_id=escalation_id, viewer=viewer(services, "lea"))
    assert view(services, 8).escalation_level == 3
    assert any(m.recipients == ("U0PARTNER",) for m in services.sla.list_outbox())
    services.sla.acknowledge(escalation_id=escalation_id, viewer=viewer(services, "U0PARTNER"))
    quiet = services.sla.sweep(now=MONDAY_NOON + timedelta(hours=5))
    assert "no_ack" not in quiet.new_escalations


def test_confirmed_s1_escalates_and_runs_24x7(services: Services) -> None:
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    add_ticket(services, 9, created=saturday, severity=1, confirmed=True,
               first_response=saturday + timedelta(minutes=5))
    add_ticket(services, 10, created=saturday, severity=1,
               first_response=saturday + timedelta(minutes=5))
    report = services.sla.sweep()
    assert report.new_escalations.get("confirmed_s1") == 1
    # 26 h of wall clock passed for the confirmed S1 (24x7): its 8 h target is breached;
    # the unconfirmed S1 only counts Monday 09-12 business time.
    assert view(services, 9).sla_state == "breached"
    assert view(services, 10).sla_state == "at_risk" or view(services, 10).sla_state == "on_track"
    message = next(m for m in services.sla.list_outbox() if m.kind == "confirmed_s1")
    assert message.state == "pending" and message.next_attempt_at == MONDAY_NOON


def test_at_risk_warnings_are_batched_per_recipient(services: Services) -> None:
    # S2: resolution 24 business hours; 21 used (Wed 2 + Thu 8 + Fri 8 + Mon 3) -> at risk.
    for odoo_id in (21, 22, 23):
        add_ticket(services, odoo_id, created=datetime(2026, 11, 18, 15, 0, tzinfo=UTC),
                   severity=2, first_response=datetime(2026, 11, 18, 15, 30, tzinfo=UTC))
    services.sla.sweep()
    batches = [m for m in services.sla.list_outbox() if m.kind == "at_risk_batch"]
    assert len(batches) == 1 and batches[0].recipients == ("S0SUPER",)
    assert len(batches[0].payload["items"]) == 3
    assert all(view(services, i).sla_state == "at_risk" for i in (21, 22, 23))
    services.sla.sweep(now=MONDAY_NOON + timedelta(minutes=5))  # same window: no new batch
    assert len([m for m in services.sla.list_outbox() if m.kind == "at_risk_batch"]) == 1


def test_quiet_hours_defer_and_the_cap_rolls_up_what_it_holds_back(sqlite_url: str,
                                                                    model_dir: Path) -> None:
    """Breaches that happen while hypercare watches always alert (deferred by quiet hours,
    never capped); what the hourly cap holds back (here: reopened tickets) is listed as
    suppressed and goes out as one roll-up for the hour."""
    late = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    services = make(sqlite_url, model_dir, quiet_hours="20:00-07:00", max_per_hour=2,
                    approval_from_level=5)
    watching(services, late - timedelta(minutes=1))
    try:
        for odoo_id in range(30, 33):
            add_ticket(services, odoo_id, created=datetime(2026, 11, 18, 9, 0, tzinfo=UTC),
                       severity=3)
        services.sla.sweep(now=late)
        for odoo_id in range(40, 43):  # reopened twice, nothing breached yet
            add_ticket(services, odoo_id, created=late - timedelta(minutes=5), severity=3,
                       reopens=2)
        services.sla.sweep(now=late + timedelta(minutes=5))
        to_lead = [m for m in services.sla.list_outbox() if m.recipients == ("U0LEAD",)]
        breaches = [m for m in to_lead if m.kind == "breach"]
        assert len(breaches) == 3 and all(m.state == "pending" for m in breaches)
        assert all(m.next_attempt_at == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
                   and "quiet hours" in m.reason for m in breaches)
        held = [m for m in to_lead if m.kind == "escalation"]
        assert len(held) == 3 and all(m.state == "suppressed" for m in held)
        [rollup] = [m for m in to_lead if m.kind == "escalation_rollup"]
        assert all("rate cap" in m.reason and f"roll-up #{rollup.id}" in m.reason
                   for m in held)  # nothing silently dropped: each says where it went
        assert rollup.state == "pending"
        assert rollup.next_attempt_at == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
        assert sorted(i["ticket"]["odoo_id"] for i in rollup.payload["items"]) == [40, 41, 42]
        assert all(i["triggers"] == ["reopened_twice"] and i["level"] == 2
                   for i in rollup.payload["items"])
    finally:
        services.close()


def test_a_met_target_stays_met_and_a_late_one_stays_breached(services: Services) -> None:
    created = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    add_ticket(services, 40, created=created, severity=1, closed_at=created + timedelta(hours=2),
               first_response=created + timedelta(minutes=10))
    add_ticket(services, 41, created=datetime(2026, 11, 19, 9, 0, tzinfo=UTC), severity=1,
               closed_at=MONDAY_NOON - timedelta(minutes=5),
               first_response=datetime(2026, 11, 19, 9, 10, tzinfo=UTC))
    services.sla.sweep()
    assert view(services, 40).sla_state == "met"
    assert view(services, 41).sla_state == "breached"
    # closed tickets do not escalate
    assert view(services, 41).escalation_level == 0


def test_a_sweep_of_one_ticket_evaluates_only_that_ticket(services: Services) -> None:
    """After a decision on one ticket, the TUI re-evaluates that ticket's clocks alone: the
    others keep what the last whole sweep stored."""
    add_ticket(services, 1, created=MONDAY_NOON - timedelta(hours=3), severity=1)
    add_ticket(services, 2, created=MONDAY_NOON - timedelta(hours=3), severity=1)
    report = services.sla.sweep(refs=["T1"])
    assert report.tickets == 1
    with services.context.store().session() as session:
        from hypercare.store import alerts

        stored = alerts.clocks_for([1, 2], session=session)
    assert set(stored) == {1}
