"""Every error class, with messages that name what to check, and retries only where useful."""

from __future__ import annotations

import socket

import pytest
from pydantic import SecretStr

from hypercare.config import OdooSettings
from hypercare.errors import (
    OdooAccessError,
    OdooAuthError,
    OdooDatabaseError,
    OdooModelMissingError,
    OdooProtocolError,
    OdooUnreachableError,
)
from hypercare.odoo import connect

from .conftest import SimFactory, settings_for

TRANSPORTS = [("jsonrpc", False), ("json2", True)]


def test_wrong_password_is_an_auth_error_without_retry(make_sim: SimFactory) -> None:
    sim = make_sim("enterprise", "17.0")
    settings = settings_for(sim, password=SecretStr("wrong"), retries=3)
    before = sim.request_count("/jsonrpc")
    with pytest.raises(OdooAuthError) as info:
        connect(settings)
    assert "'admin'" in info.value.message and "'hypercare'" in info.value.message
    assert "HYPERCARE_ODOO__PASSWORD" in info.value.hint
    assert sim.request_count("/jsonrpc") - before == 1


def test_wrong_api_key_is_an_auth_error_without_retry(make_sim: SimFactory) -> None:
    sim = make_sim("oca", "19.0")
    settings = settings_for(sim, key=True, api_key=SecretStr("bad-key"), retries=3)
    with pytest.raises(OdooAuthError, match="API key") as info:
        connect(settings)
    assert "HYPERCARE_ODOO__API_KEY" in info.value.hint
    assert sim.request_count("/json/2") == 1


@pytest.mark.parametrize(("protocol", "key"), TRANSPORTS)
def test_wrong_database(make_sim: SimFactory, protocol: str, key: bool) -> None:
    sim = make_sim("enterprise", "19.0")
    with pytest.raises(OdooDatabaseError, match="'nope'") as info:
        connect(settings_for(sim, key=key, protocol=protocol, db="nope"))
    assert "HYPERCARE_ODOO__DB" in info.value.hint


@pytest.mark.parametrize(("protocol", "key"), TRANSPORTS)
def test_missing_and_denied_models(make_sim: SimFactory, protocol: str, key: bool) -> None:
    sim = make_sim("enterprise", "19.0")
    sim.remove_model("crm.lead")
    sim.deny_access("sale.order")
    client = connect(settings_for(sim, key=key, protocol=protocol))
    with pytest.raises(OdooModelMissingError) as missing:
        client.search_count("crm.lead", [])
    assert missing.value.model == "crm.lead" and "crm.lead" in missing.value.message
    assert "crm.lead" in missing.value.hint
    with pytest.raises(OdooAccessError) as denied:
        client.search_read("sale.order", [], ["name"])
    assert denied.value.model == "sale.order" and "sale.order" in denied.value.hint
    assert client.stats.retries == 0


@pytest.mark.parametrize(("protocol", "key"), TRANSPORTS)
def test_502_pages_then_success(make_sim: SimFactory, protocol: str, key: bool) -> None:
    sim = make_sim("oca", "19.0")
    client = connect(settings_for(sim, key=key, protocol=protocol, retries=3))
    sim.inject_fault("http_502", count=2)
    assert client.search_count("helpdesk.ticket", []) > 0
    assert client.stats.retries == 2


@pytest.mark.parametrize(("protocol", "key"), TRANSPORTS)
def test_persistent_502_is_a_clear_error(make_sim: SimFactory, protocol: str, key: bool) -> None:
    sim = make_sim("oca", "19.0")
    client = connect(settings_for(sim, key=key, protocol=protocol, retries=2))
    sim.inject_fault("http_502", count=50)
    with pytest.raises(OdooUnreachableError, match="HTTP 502") as info:
        client.search_count("helpdesk.ticket", [])
    assert sim.url in info.value.message
    assert client.stats.retries == 2


@pytest.mark.parametrize(("protocol", "key"), TRANSPORTS)
def test_html_page_is_a_protocol_error(make_sim: SimFactory, protocol: str, key: bool) -> None:
    sim = make_sim("enterprise", "19.0")
    client = connect(settings_for(sim, key=key, protocol=protocol, retries=1))
    sim.inject_fault("html_page", count=50)
    with pytest.raises(OdooProtocolError, match="HTML") as info:
        client.search_count("helpdesk.ticket", [])
    assert "HYPERCARE_ODOO__URL" in info.value.hint


def test_write_is_not_retried_after_a_502(make_sim: SimFactory) -> None:
    sim = make_sim("enterprise", "17.0")
    client = connect(settings_for(sim, retries=3))
    sim.inject_fault("http_502", count=1)
    with pytest.raises(OdooUnreachableError):
        client.create("helpdesk.tag", {"name": "never twice"})
    assert client.stats.retries == 0


def test_connection_refused_on_a_closed_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = OdooSettings(
        url=f"http://127.0.0.1:{port}", db="d", login="l", password=SecretStr("p"),
        timeout=1, retries=1, backoff=0,
    )  # fmt: skip
    with pytest.raises(OdooUnreachableError, match=f"127.0.0.1:{port}") as info:
        connect(settings)
    assert "HYPERCARE_ODOO__URL" in info.value.hint


@pytest.mark.parametrize(("protocol", "key"), TRANSPORTS)
def test_timeout_with_a_small_timeout(make_sim: SimFactory, protocol: str, key: bool) -> None:
    sim = make_sim("enterprise", "19.0")
    client = connect(settings_for(sim, key=key, protocol=protocol, timeout=0.5, retries=1))
    sim.inject_fault("timeout", count=2)
    with pytest.raises(OdooUnreachableError, match="did not answer") as info:
        client.search_count("helpdesk.ticket", [])
    assert "HYPERCARE_ODOO__TIMEOUT" in info.value.hint
