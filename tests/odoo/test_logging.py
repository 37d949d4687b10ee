"""No password or API key in any log line, even with everything at DEBUG."""

from __future__ import annotations

import logging

import pytest

from hypercare.errors import HypercareError
from hypercare.odoo import HelpdeskReader, connect

from .conftest import API_KEY, PASSWORD, SimFactory, settings_for


def test_no_secret_reaches_any_log(
    make_sim: SimFactory, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    sim = make_sim("oca", "19.0")
    for protocol, key in (("jsonrpc", False), ("jsonrpc", True), ("json2", True)):
        client = connect(settings_for(sim, key=key, protocol=protocol))
        # Even a logger explicitly re-opened to DEBUG does not let odoorpc's payloads through.
        logging.getLogger("odoorpc.rpc.jsonrpclib").setLevel(logging.DEBUG)
        reader = HelpdeskReader(client)
        reader.map_tickets(reader.page_tickets([], limit=5))
        client.search_count("helpdesk.ticket", [])
        client.close()
    sim.deny_access("crm.lead")
    for protocol, key in (("jsonrpc", False), ("json2", True)):
        client = connect(settings_for(sim, key=key, protocol=protocol))
        with pytest.raises(HypercareError) as info:
            client.search("crm.lead", [])
        assert PASSWORD not in str(info.value) and API_KEY not in str(info.value)
    assert caplog.records, "the DEBUG capture should have seen something (httpx at least)"
    for record in caplog.records:
        line = record.getMessage()
        assert PASSWORD not in line and API_KEY not in line, record.name
    assert PASSWORD not in caplog.text and API_KEY not in caplog.text
