"""Fixtures of the store tests: a migrated, empty store on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hypercare.store.engine import Store, create_store_engine
from hypercare.store.schema import upgrade_schema

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A migrated, empty store on each backend (PostgreSQL skips without its URL)."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    engine = create_store_engine(url)
    upgrade_schema(engine)
    store = Store(engine)
    try:
        yield store
    finally:
        store.dispose()
