"""Migration 0016 -> 0017 on SQLite and PostgreSQL: a ticket's duplicate escalations at one
level (one per breached clock, as stores before it kept them) become one, listing every
trigger, open while any of them was."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from hypercare.store.engine import Store, create_store_engine
from hypercare.store.schema import SCHEMA_HEAD, upgrade_schema
from hypercare.store.tables import Escalation
from tests.store.conftest import BACKENDS
from tests.store.test_affected_signals import _alembic

ROWS = [  # (subject, level, trigger, trigger_key, status)
    ("ticket:135", 2, "breach", "breach:first_response", "acknowledged"),
    ("ticket:135", 2, "breach", "breach:resolution", "open"),
    ("ticket:135", 2, "breach", "breach:workaround", "acknowledged"),
    ("ticket:135", 3, "no_ack", "no_ack:L3", "pending_approval"),
    ("ticket:7", 2, "breach", "breach:resolution", "acknowledged"),
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_0016_merges_one_escalation_per_ticket_and_level(
        backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = create_store_engine(url)
    try:
        _alembic(engine, "upgrade", "0016")
        with engine.begin() as connection:
            for subject, level, trigger, key, status in ROWS:
                connection.execute(sa.text(
                    "INSERT INTO escalation (subject, ticket_odoo_id, level, trigger, "
                    "trigger_key, status, notified, created_at, acknowledged_by, approved_by, "
                    "detail, claimed_by) VALUES (:subject, :odoo_id, :level, :trigger, :key, "
                    ":status, '[]', '2026-11-23 09:00:00', '', '', '', '')"),
                    {"subject": subject, "odoo_id": int(subject.split(":")[1]),
                     "level": level, "trigger": trigger, "key": key, "status": status})
        assert upgrade_schema(engine) == ("0016", SCHEMA_HEAD)
        with Store(engine).session() as session:
            rows = {(e.subject, e.level): e for e in session.exec(select(Escalation)).all()}
        assert set(rows) == {("ticket:135", 2), ("ticket:135", 3), ("ticket:7", 2)}
        merged = rows[("ticket:135", 2)]
        assert merged.triggers == ["breach:first_response", "breach:resolution",
                                   "breach:workaround"]
        assert merged.status == "open" and merged.trigger_key == "breach:first_response"
        assert rows[("ticket:7", 2)].triggers == ["breach:resolution"]
        assert rows[("ticket:7", 2)].status == "acknowledged"
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(sa.text(  # one per subject and level, from now on
                "INSERT INTO escalation (subject, level, trigger, trigger_key, status, "
                "notified, triggers, created_at, acknowledged_by, approved_by, detail, "
                "claimed_by) VALUES ('ticket:7', 2, 'breach', 'breach:first_response', 'open',"
                " '[]', '[]', '2026-11-23 10:00:00', '', '', '', '')"))
        _alembic(engine, "downgrade", "0016")
        with engine.connect() as connection:
            assert connection.execute(sa.text(
                "SELECT count(*) FROM escalation")).scalar_one() == 3
    finally:
        engine.dispose()
