"""Fixtures for sync tests: a simulator with a frozen clock, stores on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from hypercare.config import OdooSettings, SyncSettings
from hypercare.odoo import OdooClient, connect
from hypercare.odoo.sim import OdooSimulator, SimulatorConfig
from hypercare.store.engine import Store, create_store_engine
from hypercare.store.schema import upgrade_schema
from hypercare.store.tables import Ticket, TicketEvent
from hypercare.sync.runner import SyncEngine

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday afternoon, days after go-live
IGNORED_COLUMNS = {"id", "synced_at", "needs_derive"}


def make_sim(**kw: Any) -> OdooSimulator:
    kw.setdefault("now", NOW)
    kw.setdefault("tickets", 40)
    kw.setdefault("days", 6)
    return OdooSimulator(SimulatorConfig(**kw)).start()


@pytest.fixture(params=["enterprise", "oca"])
def sim(request: pytest.FixtureRequest) -> Iterator[OdooSimulator]:
    """A private simulator per test (tests change its data), both helpdesk flavours."""
    simulator = make_sim(flavor=request.param, version="19.0" if request.param == "enterprise"
                         else "17.0")
    try:
        yield simulator
    finally:
        simulator.stop()


def odoo_settings(sim: OdooSimulator, **overrides: Any) -> OdooSettings:
    values: dict[str, Any] = {"url": sim.url, "db": "hypercare", "login": "admin",
                              "password": "admin", "api_key": "sim-api-key", "retries": 0,
                              "backoff": 0.0, "timeout": 10.0}
    values.update(overrides)
    return OdooSettings(**values)


def client_for(sim: OdooSimulator, **overrides: Any) -> OdooClient:
    return connect(odoo_settings(sim, **overrides))


@pytest.fixture
def make_store(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Store]]:
    """Factory: ``make_store("sqlite")`` / ``make_store("postgres")`` -> a migrated empty store."""
    stores: list[Store] = []
    counter = iter(range(100))
    postgres_used: list[bool] = []

    def factory(backend: str) -> Store:
        if backend == "postgres":
            url = request.getfixturevalue("pg_url")
            if postgres_used:
                pytest.fail("one PostgreSQL store per test")
            postgres_used.append(True)
        else:
            tmp = request.getfixturevalue("tmp_path")
            url = f"sqlite:///{tmp / f'store{next(counter)}.db'}"
        engine = create_store_engine(url)
        upgrade_schema(engine)
        store = Store(engine)
        stores.append(store)
        return store

    yield factory
    for store in stores:
        store.dispose()


def engine_for(sim: OdooSimulator, store: Store, client: OdooClient | None = None,
               **sync: Any) -> SyncEngine:
    return SyncEngine(client or client_for(sim), store, SyncSettings(**sync), clock=sim.now)


def ticket_state(store: Store) -> dict[int, dict[str, Any]]:
    """Every stored ticket's columns (bookkeeping columns left out), by Odoo id."""
    with store.session() as session:
        return {
            t.odoo_id: {k: v for k, v in t.model_dump().items() if k not in IGNORED_COLUMNS}
            for t in session.exec(select(Ticket))
        }


def event_state(store: Store) -> set[tuple[Any, ...]]:
    """Every stored event as a comparable tuple."""
    with store.session() as session:
        return {
            (e.ticket_odoo_id, e.source_key, e.kind, e.at, e.actor, e.from_value, e.to_value)
            for e in session.exec(select(TicketEvent))
        }
