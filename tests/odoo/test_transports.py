"""Both transports, both flavours, Odoo 17 and 19: the same normalized tickets."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

import pytest

from hypercare.errors import ConfigError
from hypercare.odoo import HANDSHAKE, HelpdeskReader, OdooTicket, connect
from hypercare.odoo.client import OdooClient

from .conftest import Sim, settings_for

SimGetter = Callable[[str, str], Sim]


def _tickets(client: OdooClient) -> list[OdooTicket]:
    reader = HelpdeskReader(client)
    tickets = reader.map_tickets(reader.page_tickets([], limit=None))
    return sorted(tickets, key=lambda ticket: ticket.odoo_id)


def _comparable(ticket: OdooTicket) -> OdooTicket:
    return dataclasses.replace(ticket, url="")


@pytest.mark.parametrize("flavor", ["enterprise", "oca"])
def test_both_transports_on_19_give_identical_tickets(shared_sims: SimGetter, flavor: str) -> None:
    sim = shared_sims(flavor, "19.0")
    with_rpc = connect(settings_for(sim, protocol="jsonrpc"))
    with_json2 = connect(settings_for(sim, key=True, protocol="json2"))
    assert (with_rpc.info.transport, with_json2.info.transport) == ("jsonrpc", "json2")
    assert with_rpc.info.uid == with_json2.info.uid
    rpc_tickets, json2_tickets = _tickets(with_rpc), _tickets(with_json2)
    assert rpc_tickets and rpc_tickets == json2_tickets
    with_rpc.close()
    with_json2.close()


@pytest.mark.parametrize("flavor", ["enterprise", "oca"])
def test_versions_17_and_19_give_the_same_tickets(shared_sims: SimGetter, flavor: str) -> None:
    old = connect(settings_for(shared_sims(flavor, "17.0")))
    new = connect(settings_for(shared_sims(flavor, "19.0"), key=True))
    old_tickets, new_tickets = _tickets(old), _tickets(new)
    assert [t.ref for t in old_tickets] == [t.ref for t in new_tickets]
    assert [_comparable(t) for t in old_tickets] == [_comparable(t) for t in new_tickets]
    assert old_tickets[0].url.endswith(
        f"/web#id={old_tickets[0].odoo_id}&model=helpdesk.ticket&view_type=form"
    )
    assert new_tickets[0].url.endswith(f"/odoo/helpdesk.ticket/{new_tickets[0].odoo_id}")


@pytest.mark.parametrize(("flavor", "version"), [("enterprise", "17.0"), ("oca", "19.0")])
def test_ticket_values_are_normalized(shared_sims: SimGetter, flavor: str, version: str) -> None:
    client = connect(settings_for(shared_sims(flavor, version)))
    tickets = _tickets(client)
    assert {t.is_closed for t in tickets} == {True, False}
    for ticket in tickets:
        assert ticket.ref and ticket.title
        assert 0 <= ticket.priority <= 3 and ticket.priority_label
        assert ticket.created_at is not None and ticket.created_at.tzinfo is not None
        assert isinstance(ticket.updated_at, datetime)
        assert "<" not in ticket.description
        assert ticket.stage is not None and ticket.company is not None
    if flavor == "enterprise":
        assert all(t.odoo_sla_expired is None for t in tickets)
        assert any(t.ticket_type for t in tickets)
    else:
        assert all(t.odoo_sla_reached_late is None for t in tickets)
        assert any(t.category for t in tickets)


@pytest.mark.parametrize(
    ("version", "key", "protocol", "expected"),
    [
        ("17.0", True, "auto", "jsonrpc"),
        ("19.0", True, "auto", "json2"),
        ("19.0", False, "auto", "jsonrpc"),
        ("19.0", True, "jsonrpc", "jsonrpc"),
    ],
)
def test_protocol_auto_selection(
    shared_sims: SimGetter, version: str, key: bool, protocol: str, expected: str
) -> None:
    client = connect(settings_for(shared_sims("enterprise", version), key=key, protocol=protocol))
    assert client.info.transport == expected
    assert client.info.major == int(version[:2])
    client.close()


def test_json2_on_17_is_refused_clearly(shared_sims: SimGetter) -> None:
    settings = settings_for(shared_sims("enterprise", "17.0"), key=True, protocol="json2")
    with pytest.raises(ConfigError, match="17"):
        connect(settings)


def test_read_group_has_the_same_shape_on_17_and_19(shared_sims: SimGetter) -> None:
    rows = []
    for version, key in (("17.0", False), ("19.0", True)):
        client = connect(settings_for(shared_sims("enterprise", version), key=key))
        groups = client.read_group("helpdesk.ticket", [], ["stage_id"], ["priority:count"])
        rows.append(sorted((g["stage_id"][0], g["__count"]) for g in groups))
        assert all(set(g) == {"stage_id", "__count", "priority:count"} for g in groups)
        total = client.search_count("helpdesk.ticket", [])
        assert sum(g["__count"] for g in groups) == total
    assert rows[0] == rows[1]


def test_call_stats_separate_handshake_from_ticket_calls(shared_sims: SimGetter) -> None:
    for key in (False, True):
        client = connect(settings_for(shared_sims("oca", "19.0"), key=key))
        stats = client.stats
        assert stats.handshake >= 2 and stats.calls("helpdesk.ticket") == 0
        client.reset_stats()
        client.search_read("helpdesk.ticket", [], ["name"], limit=5)
        client.search_count("helpdesk.ticket", [])
        assert client.stats.calls("helpdesk.ticket") == 2
        assert client.stats.by_model.get(HANDSHAKE, 0) == 0
        assert client.stats.http_requests == 2
