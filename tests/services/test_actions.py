"""Actions from the queue: undo a decision, escalate by hand, notes, assignment, scheduler."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from hypercare.errors import StoreUnavailableError, TicketNotFoundError, UsageError
from hypercare.services import Services
from hypercare.store.tables import AppState, Escalation, WritebackTask
from tests.services.conftest import AGENT, LEAD, NOW, OTHER_LEAD, MakeServices, seed_world
from tests.support import Clock, viewer

UNDO = timedelta(seconds=30)


def category(services: Services, ref: str) -> tuple[str, str]:
    ticket = services.tickets.show_ticket(ref=ref, viewer=viewer(services, LEAD)).ticket
    return ticket.category, ticket.category_source


def other_than(current: str) -> str:
    return next(c for c in ("defect", "training_gap", "policy_ambiguity") if c != current)


# -- undo ------------------------------------------------------------------------------------


def test_undo_within_the_window_restores_the_classifier(services: Services,
                                                        clock: Clock) -> None:
    lea = viewer(services, LEAD)
    services.triage.classify_stored([4])
    before = category(services, "HT00004")
    assert before[1] != "human"
    decision = services.triage.decide(ref="HT00004", viewer=lea,
                                      category=other_than(before[0]), note="looks like it")
    assert decision.decision_id > 0
    assert category(services, "HT00004") == (other_than(before[0]), "human")
    clock.advance(seconds=20)
    undone = services.triage.undo_decision(decision_id=decision.decision_id, viewer=lea,
                                           within=UNDO)
    assert (undone.ref, undone.category, undone.decision_id) == (
        "HT00004", other_than(before[0]), decision.decision_id)
    assert category(services, "HT00004") == before
    with pytest.raises(UsageError, match="no triage decision"):
        services.triage.undo_decision(decision_id=decision.decision_id, viewer=lea, within=UNDO)


def test_undo_brings_back_the_previous_decision(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    marc = viewer(services, OTHER_LEAD)
    services.triage.decide(ref="HT00003", viewer=marc, category="training_gap")
    clock.advance(minutes=10)
    second = services.triage.decide(ref="HT00003", viewer=lea, category="defect",
                                    severity=1)
    services.triage.undo_decision(decision_id=second.decision_id, viewer=lea, within=UNDO)
    ticket = services.tickets.show_ticket(ref="HT00003", viewer=lea).ticket
    assert (ticket.category, ticket.category_source) == ("training_gap", "human")
    assert "frozen" not in " ".join(ticket.severity_reasons)  # the S1 went with the undo


def test_undo_refused_after_the_window(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    decision = services.triage.decide(ref="HT00002", viewer=lea, category="defect")
    clock.advance(seconds=31)
    with pytest.raises(UsageError, match="can no longer be undone") as refused:
        services.triage.undo_decision(decision_id=decision.decision_id, viewer=lea, within=UNDO)
    assert refused.value.hint
    assert category(services, "HT00002") == ("defect", "human")


def test_undo_refused_when_a_newer_decision_exists(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    marc = viewer(services, OTHER_LEAD)
    first = services.triage.decide(ref="HT00002", viewer=lea, category="defect")
    clock.advance(seconds=5)
    services.triage.decide(ref="HT00002", viewer=marc, severity=2)
    with pytest.raises(UsageError, match="no longer the newest") as refused:
        services.triage.undo_decision(decision_id=first.decision_id, viewer=lea, within=UNDO)
    assert OTHER_LEAD in refused.value.message and refused.value.hint


# -- manual escalation ------------------------------------------------------------------------


def test_manual_escalation_climbs_one_level_at_a_time(services: Services,
                                                      clock: Clock) -> None:
    lea = viewer(services, LEAD)
    first = services.sla.escalate(ref="HT00002", viewer=lea, reason="customer waiting at desk")
    assert (first.level, first.trigger, first.status) == (1, "manual", "open")
    assert first.level_name == "super-user" and first.notified == ("L1",)
    assert first.detail == "customer waiting at desk" and first.ref == "HT00002"
    clock.advance(minutes=1)
    second = services.sla.escalate(ref="HT00002", viewer=lea)
    assert (second.level, second.status, second.detail) == (2, "open", f"escalated by {LEAD}")
    clock.advance(minutes=1)
    third = services.sla.escalate(ref="HT00002", viewer=lea)
    assert (third.level, third.status, third.notified) == (3, "pending_approval", ())
    outbox = services.sla.list_outbox()
    kinds = [(m.kind, m.recipients, m.payload.get("level")) for m in outbox]
    assert ("escalation", ("L1",), 1) in kinds and ("escalation", ("L2",), 2) in kinds
    approvals = [m for m in outbox if m.kind == "approval_request"]
    assert [(m.recipients, m.payload["escalation_id"]) for m in approvals] == [
        (("L2",), third.id)]
    assert not any(m.recipients == ("L3",) for m in outbox)  # L3 hears of it once approved
    history = services.sla.escalations_for(ref="HT00002", viewer=lea)
    assert [(e.level, e.trigger) for e in history] == [(1, "manual"), (2, "manual"),
                                                      (3, "manual")]
    row = {r.ref: r for r in services.queue.load_rows(viewer=lea)}["HT00002"]
    assert row.escalation_level == 3


def test_manual_escalation_starts_above_the_current_level(services: Services) -> None:
    lea = viewer(services, LEAD)
    view = services.sla.escalate(ref="HT00001", viewer=lea)  # seeded at L2 by a breach
    assert (view.level, view.status) == (3, "pending_approval")
    with services.context.store().session() as session:
        rows = session.exec(select(Escalation).where(Escalation.subject == "ticket:1")).all()
        assert {r.trigger_key for r in rows} == {"breach:resolution", "manual:3"}
    top = services.sla.escalate(ref="HT00001", viewer=lea)
    assert top.level == 4
    with pytest.raises(UsageError, match="already at the top level"):
        services.sla.escalate(ref="HT00001", viewer=lea)


def test_manual_escalation_refuses_closed_and_unknown_tickets(services: Services) -> None:
    lea = viewer(services, LEAD)
    with pytest.raises(UsageError, match="closed"):
        services.sla.escalate(ref="HT00007", viewer=lea)
    with pytest.raises(TicketNotFoundError):
        services.sla.escalate(ref="HT99999", viewer=lea)
    assert services.sla.escalations_for(ref="HT00007", viewer=lea) == []


def test_awaiting_acknowledgement_lists_open_and_pending(services: Services,
                                                         clock: Clock) -> None:
    lea = viewer(services, LEAD)
    sam = viewer(services, AGENT)
    clock.advance(minutes=1)
    services.sla.escalate(ref="HT00005", viewer=lea)
    agent = services.sla.awaiting_acknowledgement(viewer=sam)
    assert [(e.ref, e.title) for e in agent] == [("HT00005", "Confidential ticket"),
                                                ("HT00001", "Invoice posting fails with VAT "
                                                            "error")]
    assert services.sla.awaiting_acknowledgement(viewer=lea, limit=1)[0].title.startswith(
        "Payslip")


# -- notes and assignment ----------------------------------------------------------------------


def tasks(services: Services) -> list[WritebackTask]:
    with services.context.store().session() as session:
        return list(session.exec(select(WritebackTask)).all())


def test_note_refused_when_write_mode_is_off(make_services: MakeServices) -> None:
    services = make_services(write_mode="off")
    seed_world(services)
    lea = viewer(services, LEAD)
    with pytest.raises(UsageError, match="write_mode is off") as refused:
        services.tickets.add_note(ref="HT00001", body="Called the customer", viewer=lea)
    assert "create_and_note" in refused.value.hint
    assert tasks(services) == []


def test_note_is_queued_for_odoo(services: Services) -> None:
    lea = viewer(services, LEAD)
    status = services.tickets.add_note(ref="HT00001", body="  Called the customer  ", viewer=lea)
    assert status == "note queued for HT00001"
    services.tickets.add_note(ref="1", body="Called the customer", viewer=lea)
    queued = tasks(services)
    assert [(t.ticket_odoo_id, t.operation, t.state) for t in queued] == [
        (1, "post_note", "pending"), (1, "post_note", "pending")]
    assert queued[0].payload == {"text": f"[hypercare] {LEAD}: Called the customer"}
    assert queued[0].idempotency_key != queued[1].idempotency_key  # two notes, two posts
    with pytest.raises(UsageError, match="empty"):
        services.tickets.add_note(ref="HT00001", body=" \n ", viewer=lea)
    with pytest.raises(UsageError, match="20,000"):
        services.tickets.add_note(ref="HT00001", body="x" * 20_001, viewer=lea)
    with pytest.raises(TicketNotFoundError):
        services.tickets.add_note(ref="HT99999", body="hello", viewer=lea)
    assert len(tasks(services)) == 2


def test_assignees_and_assign(make_services: MakeServices) -> None:
    services = make_services(write_mode="full")
    seed_world(services)
    lea = viewer(services, LEAD)
    assert services.tickets.assignees() == [(8, "Julie Martin"), (7, "Marc Dupont")]
    status = services.tickets.assign(ref="HT00003", user_odoo_id=8, viewer=lea)
    assert "HT00003" in status and "Julie Martin" in status
    row = {r.ref: r for r in services.queue.load_rows(viewer=lea)}["HT00003"]
    assert row.assignee == "Julie Martin"
    [task] = tasks(services)
    assert (task.ticket_odoo_id, task.operation, task.payload["user_id"]) == (3, "assign", 8)
    services.tickets.assign(ref="HT00003", user_odoo_id=0, viewer=lea)
    assert {r.ref: r for r in services.queue.load_rows(viewer=lea)}["HT00003"].assignee == ""
    with pytest.raises(UsageError, match="no Odoo user #99"):
        services.tickets.assign(ref="HT00003", user_odoo_id=99, viewer=lea)


def test_an_assignment_odoo_never_hears_of_is_not_shown_either(
        make_services: MakeServices, monkeypatch: pytest.MonkeyPatch) -> None:
    """The assignment and its write-back task are one unit of work: when queueing the task
    fails (the store gave out), the queue does not show an assignee Odoo will never get."""
    services = make_services(write_mode="full")
    seed_world(services)
    lea = viewer(services, LEAD)
    from hypercare.services.outbox.writeback import WritebackService

    def store_gone(*_args: object, **_kwargs: object) -> None:
        raise StoreUnavailableError("the store went away")

    monkeypatch.setattr(WritebackService, "queue", store_gone)
    with pytest.raises(StoreUnavailableError):
        services.tickets.assign(ref="HT00003", user_odoo_id=8, viewer=lea)
    assert {r.ref: r for r in services.queue.load_rows(viewer=lea)}["HT00003"].assignee == ""
    assert tasks(services) == []


def test_assign_refused_below_full_write_mode(services: Services) -> None:
    lea = viewer(services, LEAD)
    with pytest.raises(UsageError, match="write_mode") as refused:
        services.tickets.assign(ref="HT00003", user_odoo_id=8, viewer=lea)
    assert '"full"' in refused.value.hint
    assert {r.ref: r for r in services.queue.load_rows(viewer=lea)}["HT00003"].assignee == ""
    assert tasks(services) == []


# -- scheduler owner ----------------------------------------------------------------------------


def test_scheduler_owner_needs_a_fresh_heartbeat(services: Services, clock: Clock) -> None:
    assert services.system.scheduler_owner() is None

    def beat(value: str) -> None:
        with services.context.store().session() as session:
            row = session.get(AppState, "scheduler.owner") or AppState(key="scheduler.owner",
                                                                       value="")
            row.value, row.updated_at = value, NOW
            session.add(row)

    beat(json.dumps({"owner": "host-1:4242", "heartbeat": NOW.isoformat()}))
    assert services.system.scheduler_owner() == "host-1:4242"
    clock.advance(seconds=119)
    assert services.system.scheduler_owner() == "host-1:4242"
    clock.advance(seconds=2)
    assert services.system.scheduler_owner() is None
    beat("not json")
    assert services.system.scheduler_owner() is None
    beat(json.dumps({"owner": "host-1:4242"}))
    assert services.system.scheduler_owner() is None
