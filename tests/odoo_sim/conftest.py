"""Fixtures: simulators started on port 0 with a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from hypercare.odoo.sim import OdooSimulator, SimulatorConfig

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)  # a Friday, ten days after go-live
KEY = "sim-api-key"


def make(**kw: Any) -> OdooSimulator:
    kw.setdefault("now", NOW)
    kw.setdefault("tickets", 300)
    return OdooSimulator(SimulatorConfig(**kw))


@pytest.fixture(scope="module")
def sim19() -> Iterator[OdooSimulator]:
    """Enterprise helpdesk on Odoo 19 (JSON-RPC and JSON-2)."""
    with make(flavor="enterprise", version="19.0") as sim:
        yield sim


@pytest.fixture(scope="module")
def sim17() -> Iterator[OdooSimulator]:
    """Enterprise helpdesk on Odoo 17 (JSON-RPC only)."""
    with make(flavor="enterprise", version="17.0") as sim:
        yield sim


@pytest.fixture(scope="module")
def oca18() -> Iterator[OdooSimulator]:
    """OCA helpdesk_mgmt on Odoo 18."""
    with make(flavor="oca", version="18.0") as sim:
        yield sim


@pytest.fixture
def fresh19() -> Iterator[OdooSimulator]:
    """A private simulator for tests that change state or inject faults."""
    with make(flavor="enterprise", version="19.0", tickets=60) as sim:
        yield sim


def rpc(sim: OdooSimulator, service: str, method: str, *args: Any) -> dict[str, Any]:
    """One raw JSON-RPC call; returns the whole envelope."""
    payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
               "params": {"service": service, "method": method, "args": list(args)}}
    response = httpx.post(sim.url + "/jsonrpc", json=payload, timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def kw(sim: OdooSimulator, model: str, method: str, args: list[Any],
       kwargs: dict[str, Any] | None = None, password: str = "admin") -> dict[str, Any]:
    return rpc(sim, "object", "execute_kw", "hypercare", 2, password, model, method, args,
               kwargs or {})


def json2(sim: OdooSimulator, model: str, method: str, body: dict[str, Any],
          key: str = KEY, **headers: str) -> httpx.Response:
    hdrs = {"Authorization": f"bearer {key}", **headers}
    return httpx.post(f"{sim.url}/json/2/{model}/{method}", json=body, headers=hdrs, timeout=10)
