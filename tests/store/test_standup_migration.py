"""Migration 0012 -> 0013 on SQLite and PostgreSQL: the stand-up decisions recorded before
(several rows for one field, undone ones) become the history, and the entries keep one row
per stand-up, item and field with the last value that was not undone."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from hypercare.store.engine import create_store_engine
from hypercare.store.schema import SCHEMA_HEAD, upgrade_schema
from tests.store.test_affected_signals import _alembic

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_old_entries_become_history_and_one_entry_per_field(
        backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = create_store_engine(url)
    try:
        _alembic(engine, "upgrade", "0012")
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO standup (id, scope, timezone, since, started_at, attendees, "
                "minutes) VALUES (1, 'all', 'UTC', :at, :at, '[]', '')"), {"at": AT})
            for number, (changes, undone) in enumerate([
                    ({"severity": 2, "owner": "Marc"}, False),
                    ({"severity": 3}, False),
                    ({"owner": "Ana"}, True)], start=1):
                connection.execute(sa.text(
                    "INSERT INTO standup_entry (id, standup_id, item_ref, subject, changes, "
                    "undo, decided_by, decided_at, undone) VALUES (:id, 1, 'HT1', 'ticket:1', "
                    ":changes, '{}', 'lea', :at, :undone)"),
                    {"id": number, "changes": json.dumps(changes), "at": AT, "undone": undone})
        assert upgrade_schema(engine) == ("0012", SCHEMA_HEAD)
        with engine.connect() as connection:
            entries = connection.execute(sa.text(
                "SELECT field, value FROM standup_entry ORDER BY field")).all()
            history = connection.execute(sa.text(
                "SELECT id, undone FROM standup_change ORDER BY id")).all()
            agenda = connection.execute(sa.text("SELECT agenda FROM standup")).scalar_one()
        def decode(value: object) -> object:  # SQLite hands JSON back as text (numbers as such)
            return json.loads(value) if backend == "sqlite" and isinstance(value, str) else value

        assert [(f, decode(v)) for f, v in entries] == [
            ("owner", "Marc"), ("severity", 3)]
        assert [(i, bool(u)) for i, u in history] == [(1, False), (2, False), (3, True)]
        assert decode(agenda) == []
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO standup_entry (standup_id, item_ref, subject, field, value, "
                "decided_by, decided_at) VALUES (1, 'HT1', 'ticket:1', 'owner', '\"Bo\"', "
                "'lea', :at)"), {"at": AT})
        _alembic(engine, "downgrade", "0012")
        with engine.connect() as connection:
            assert connection.execute(sa.text(
                "SELECT count(*) FROM standup_entry")).scalar_one() == 3
    finally:
        engine.dispose()
