"""Simulator fixtures for the connector tests: real HTTP, real odoorpc and httpx clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from hypercare.config import OdooSettings
from hypercare.odoo.sim import OdooSimulator, SimulatorConfig

PASSWORD = "pw-Zq81-secret"
API_KEY = "key-7Hx2-secret-api"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
Sim = Any
SimFactory = Callable[..., Sim]


def _config(flavor: str, version: str, **overrides: Any) -> SimulatorConfig:
    values: dict[str, Any] = {
        "flavor": flavor,
        "version": version,
        "seed": 7,
        "tickets": 40,
        "days": 5,
        "now": NOW,
        "password": PASSWORD,
        "api_key": API_KEY,
    }
    values.update(overrides)
    return SimulatorConfig(**values)


@pytest.fixture(scope="session")
def shared_sims() -> Iterator[Callable[[str, str], Sim]]:
    """Read-only simulators, one per (flavor, version), started on first use."""
    started: dict[tuple[str, str], Sim] = {}

    def get(flavor: str, version: str) -> Sim:
        if (flavor, version) not in started:
            started[flavor, version] = OdooSimulator(_config(flavor, version)).start(
                host="127.0.0.1", port=0
            )
        return started[flavor, version]

    yield get
    for sim in started.values():
        sim.stop()


@pytest.fixture
def make_sim() -> Iterator[SimFactory]:
    """Fresh simulators a test may break (faults, denied or removed models)."""
    started: list[Sim] = []

    def make(flavor: str = "enterprise", version: str = "17.0", **overrides: Any) -> Sim:
        sim = OdooSimulator(_config(flavor, version, **overrides)).start(host="127.0.0.1", port=0)
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


def settings_for(sim: Sim, *, key: bool = False, **overrides: Any) -> OdooSettings:
    """Settings for a simulator: password login, API key only when ``key``; fast failures."""
    values: dict[str, Any] = {
        "url": sim.url,
        "db": "hypercare",
        "login": "admin",
        "password": SecretStr(PASSWORD),
        "api_key": SecretStr(API_KEY) if key else None,
        "timeout": 3.0,
        "retries": 2,
        "backoff": 0.0,
    }
    values.update(overrides)
    return OdooSettings(**values)
