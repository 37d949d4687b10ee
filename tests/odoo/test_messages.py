"""Chatter reads: batched, incremental, kinds, tracking (and tracking denied)."""

from __future__ import annotations

from collections import Counter

import pytest

from hypercare.odoo import ChatterReader, connect

from .conftest import SimFactory, settings_for


@pytest.mark.parametrize(
    ("flavor", "version", "key"), [("enterprise", "17.0", False), ("oca", "19.0", True)]
)
def test_chatter_of_many_tickets_in_one_call(
    make_sim: SimFactory, flavor: str, version: str, key: bool
) -> None:
    sim = make_sim(flavor, version)
    client = connect(settings_for(sim, key=key))
    everything = {"active_test": False}
    ticket_ids = client.search("helpdesk.ticket", [], order="id asc", context=everything)
    reader = ChatterReader(client)
    client.reset_stats()
    batch = reader.read(ticket_ids)
    assert client.stats.calls("mail.message") == 1
    assert batch.tracking_readable
    kinds = Counter(m.kind for m in batch.messages)
    assert kinds["tracking"] and kinds["system"]
    assert {m.ticket_id for m in batch.messages} <= set(ticket_ids)
    stage_changes = [t for m in batch.messages for t in m.tracking if t.field == "stage_id"]
    assert stage_changes and all(t.new_id and t.new_value for t in stage_changes)
    assert all(m.date is not None and m.date.tzinfo is not None for m in batch.messages)
    again = reader.read(ticket_ids, since_id=batch.last_id)
    assert again.messages == () and again.last_id == batch.last_id


def test_tracking_denied_is_reported_not_raised(make_sim: SimFactory) -> None:
    sim = make_sim("enterprise", "17.0")
    sim.deny_access("mail.tracking.value")
    client = connect(settings_for(sim))
    ticket_ids = client.search("helpdesk.ticket", [], limit=10)
    batch = ChatterReader(client).read(ticket_ids)
    assert not batch.tracking_readable
    assert all(m.tracking == () for m in batch.messages)
    assert any(m.kind == "tracking" for m in batch.messages)
