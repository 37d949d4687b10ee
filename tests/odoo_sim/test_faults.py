"""Injected faults, observed with httpx."""

from __future__ import annotations

import httpx
import pytest

from hypercare.odoo.sim import OdooSimulator
from tests.odoo_sim.conftest import json2

BODY = {"domain": [], "limit": 1}


def call(sim: OdooSimulator, timeout: float = 5.0) -> httpx.Response:
    return httpx.post(sim.url + "/json/2/helpdesk.ticket/search", json=BODY, timeout=timeout,
                      headers={"Authorization": "bearer sim-api-key"})


@pytest.mark.parametrize("kind", ["http_502", "http_503", "http_504", "http_500"])
def test_gateway_errors(fresh19: OdooSimulator, kind: str) -> None:
    fresh19.inject_fault(kind)
    response = call(fresh19)
    assert response.status_code == int(kind[-3:])
    assert response.headers["content-type"].startswith("text/html")
    assert call(fresh19).status_code == 200


def test_html_page_and_after(fresh19: OdooSimulator) -> None:
    fresh19.inject_fault("html_page", count=2, path_prefix="/json/2", after=1)
    assert call(fresh19).status_code == 200
    for _ in range(2):
        response = call(fresh19)
        assert response.status_code == 200 and "<html>" in response.text.lower()
    assert call(fresh19).json() != []


def test_path_prefix(fresh19: OdooSimulator) -> None:
    fresh19.inject_fault("http_502", path_prefix="/jsonrpc")
    assert call(fresh19).status_code == 200
    assert httpx.post(fresh19.url + "/jsonrpc", json={"params": {}}).status_code == 502


def test_reset(fresh19: OdooSimulator) -> None:
    fresh19.inject_fault("reset")
    with pytest.raises(httpx.TransportError):
        call(fresh19)
    assert call(fresh19).status_code == 200


def test_timeout(fresh19: OdooSimulator) -> None:
    fresh19.inject_fault("timeout", delay=2.0)
    with pytest.raises(httpx.TimeoutException):
        call(fresh19, timeout=0.3)
    assert call(fresh19).status_code == 200


def test_counts_and_calls(fresh19: OdooSimulator) -> None:
    fresh19.reset_counts()
    json2(fresh19, "helpdesk.ticket", "search", BODY)
    json2(fresh19, "res.users", "context_get", {})
    assert fresh19.request_count("/json/2") == 2
    assert fresh19.request_count() == 0
    assert fresh19.calls == [("json2", "helpdesk.ticket", "search"),
                             ("json2", "res.users", "context_get")]
