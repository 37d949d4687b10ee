"""Write-back to Odoo through the queue: retried while Odoo is down, never doubled or lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from hypercare.store.tables import WritebackTask
from tests.support import Clock, new_services, sqlite_settings
from tests.sync.conftest import client_for, make_sim, odoo_settings

TICKET = "helpdesk.ticket"


@pytest.fixture
def sim() -> Iterator[OdooSimulator]:
    simulator = make_sim(flavor="enterprise", version="19.0", tickets=10)
    try:
        yield simulator
    finally:
        simulator.stop()


def services_for(sim: OdooSimulator, tmp_path: Path, clock: Clock,
                 write_mode: str = "create_and_note") -> Services:
    odoo = odoo_settings(sim, write_mode=write_mode, protocol="json2")
    return new_services(sqlite_settings(tmp_path / "wb.db", odoo=odoo), clock=clock,
                        connect_odoo=lambda: client_for(sim, protocol="json2",
                                                        write_mode=write_mode))


def notes_on(sim: OdooSimulator, ticket: int) -> list[str]:
    client = client_for(sim)
    rows = client.search_read("mail.message", [("model", "=", TICKET), ("res_id", "=", ticket),
                                               ("is_internal", "=", True)], ["body"])
    return [str(r["body"]) for r in rows]


def test_queued_note_survives_an_outage_and_lands_once(sim: OdooSimulator,
                                                       tmp_path: Path) -> None:
    clock = Clock(sim.now())
    services = services_for(sim, tmp_path, clock)
    ticket = sim.store.search_ids(TICKET, [])[0]
    try:
        assert services.writeback.queue(ticket_odoo_id=ticket, operation="post_note",
                                        payload={"text": "Triage: defect, S2 (lea)"},
                                        key="decision:1")
        assert not services.writeback.queue(ticket_odoo_id=ticket, operation="post_note",
                                            payload={"text": "dup"}, key="decision:1")
        sim.inject_fault("http_503", count=1000)  # Odoo is down
        down = services.writeback.deliver()
        assert (down.done, down.retrying, down.dead) == (0, 1, 0)
        with services.context.store().session() as session:
            task = session.get(WritebackTask, 1)
            assert task is not None and task.attempts == 1 and "503" in task.last_error
            assert task.next_attempt_at == clock() + timedelta(minutes=1)
        sim.clear_faults()
        assert services.writeback.deliver().done == 0  # not due yet: backoff is respected
        clock.advance(minutes=2)
        assert services.writeback.deliver().done == 1
        assert services.writeback.deliver().done == 0  # never twice
        notes = notes_on(sim, ticket)
        assert sum("Triage: defect, S2 (lea)" in body for body in notes) == 1
    finally:
        services.close()


def test_a_write_the_mode_forbids_goes_dead_with_its_reason(sim: OdooSimulator,
                                                            tmp_path: Path) -> None:
    clock = Clock(sim.now())
    services = services_for(sim, tmp_path, clock, write_mode="create_and_note")
    ticket = sim.store.search_ids(TICKET, [])[0]
    try:
        services.writeback.queue(ticket_odoo_id=ticket, operation="add_tag",
                                 payload={"tag": "training gap"}, key="tag:1")
        report = services.writeback.deliver()
        assert report.dead == 1
        with services.context.store().session() as session:
            task = session.get(WritebackTask, 1)
            assert task is not None and task.state == "dead"
            assert "full" in task.last_error
    finally:
        services.close()
