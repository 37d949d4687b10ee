"""Incremental sync against the simulator over real HTTP: changes, overlap, idempotency."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

import pytest

from hypercare.odoo.sim import OdooSimulator
from hypercare.store.engine import Store
from hypercare.store.sync_state import get_cursor
from tests.sync.conftest import client_for, engine_for, event_state, make_sim, ticket_state

TICKET = "helpdesk.ticket"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_first_sync_then_only_changes(
    sim: OdooSimulator, make_store: Callable[[str], Store], backend: str
) -> None:
    store = make_store(backend)
    engine = engine_for(sim, store, page_size=15)
    first = engine.run()
    odoo_total = len(sim.store.search_ids(TICKET, [], active_test=False))
    assert first.rows["ticket"] == odoo_total == len(ticket_state(store))
    assert len(first.new_tickets) == odoo_total
    assert first.rpc_calls[TICKET] <= math.ceil(odoo_total / 15) + 3

    sim.advance(timedelta(minutes=30))
    changed_id = sim.store.search_ids(TICKET, [], active_test=False)[0]
    sim.store.write(TICKET, changed_id, {"name": "Renamed after the first sync"})
    second = engine.run()
    assert second.changed_tickets == 1
    assert second.new_tickets == ()
    assert ticket_state(store)[changed_id]["title"] == "Renamed after the first sync"

    unchanged = engine.run()
    assert unchanged.changed_tickets == 0
    assert all(calls <= 2 for calls in unchanged.rpc_calls.values()), unchanged.rpc_calls


def test_overlap_catches_a_row_committed_late(
    sim: OdooSimulator, make_store: Callable[[str], Store]
) -> None:
    """Odoo stamps write_date at transaction start: a row can land behind the cursor."""
    caught, missed = make_store("sqlite"), make_store("sqlite")
    with_overlap = engine_for(sim, caught, overlap_minutes=10)
    without_overlap = engine_for(sim, missed, overlap_minutes=0)
    with_overlap.run()
    without_overlap.run()
    sim.advance(timedelta(minutes=2))
    with caught.session() as session:
        cursor = get_cursor(TICKET, session=session)
    assert cursor is not None and cursor.write_date is not None
    late_id = sim.store.search_ids(TICKET, [], active_test=False)[0]
    # A long transaction that started before the last row we read commits only now.
    sim.store.write(TICKET, late_id, {"name": "Committed late"},
                    write_date=cursor.write_date - timedelta(minutes=3))
    sim.advance(timedelta(minutes=1))
    with_overlap.run()
    without_overlap.run()
    assert ticket_state(caught)[late_id]["title"] == "Committed late"
    assert ticket_state(missed)[late_id]["title"] != "Committed late"


def test_running_twice_changes_nothing(
    sim: OdooSimulator, make_store: Callable[[str], Store]
) -> None:
    store = make_store("sqlite")
    engine = engine_for(sim, store)
    engine.run()
    tickets, events = ticket_state(store), event_state(store)
    engine.run()
    engine.run(reconcile=True)
    assert ticket_state(store) == tickets
    assert event_state(store) == events


@pytest.mark.parametrize("flavor", ["enterprise", "oca"])
def test_both_transports_store_the_same(flavor: str,
                                        make_store: Callable[[str], Store]) -> None:
    sim = make_sim(flavor=flavor, version="19.0")  # JSON-2 needs Odoo 19
    over_jsonrpc, over_json2 = make_store("sqlite"), make_store("sqlite")
    try:
        engine_for(sim, over_jsonrpc, client_for(sim, protocol="jsonrpc")).run()
        engine_for(sim, over_json2, client_for(sim, protocol="json2")).run()
    finally:
        sim.stop()
    assert ticket_state(over_jsonrpc) == ticket_state(over_json2)
    assert event_state(over_jsonrpc) == event_state(over_json2)


def test_deletions_and_archives_are_marked_not_dropped(
    sim: OdooSimulator, make_store: Callable[[str], Store]
) -> None:
    store = make_store("sqlite")
    engine = engine_for(sim, store)
    engine.run()
    ids = sim.store.search_ids(TICKET, [], active_test=False)
    deleted_id, archived_id = ids[1], ids[2]
    sim.advance(timedelta(minutes=5))
    sim.store.unlink(TICKET, deleted_id)
    sim.store.write(TICKET, archived_id, {"active": False})
    report = engine.run(reconcile=True)
    assert report.deleted == (deleted_id,)
    assert archived_id in report.archived
    state = ticket_state(store)
    assert state[deleted_id]["deleted"] is True  # kept, flagged
    assert state[archived_id]["active"] is False
    assert state[archived_id]["deleted"] is False


def test_reconcile_runs_every_n_runs(sim: OdooSimulator,
                                     make_store: Callable[[str], Store]) -> None:
    engine = engine_for(sim, make_store("sqlite"), reconcile_every=3)
    assert [engine.run().reconciled for _ in range(6)] == [False, False, True, False, False, True]
