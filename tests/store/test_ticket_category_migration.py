"""Migration 0014 -> 0015 on SQLite and PostgreSQL: the ticket's Odoo category column becomes
``odoo_category`` with its values, and back on downgrade."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from hypercare.store.engine import Store, create_store_engine
from hypercare.store.schema import SCHEMA_HEAD, upgrade_schema
from hypercare.store.tables import Ticket
from tests.store.conftest import BACKENDS
from tests.store.test_affected_signals import _alembic


def _columns(engine: sa.Engine) -> set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns("ticket")}


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_0014_renames_the_odoo_category_and_keeps_it(
        backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = create_store_engine(url)
    try:
        _alembic(engine, "upgrade", "0014")
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO ticket (odoo_id, ref, title, description, company, team, stage, "
                "is_closed, priority, priority_label, assignee, partner_name, partner_email, "
                "tags, ticket_type, category, channel, active, deleted, reopen_count, "
                "odoo_sla_reached_late, url) VALUES (7, 'HT00007', 'Invoice', '', '', '', '', "
                "false, 0, '', '', '', '', '[]', '', 'Accounting', '', true, false, 0, false, "
                "'')"))
        indexes = {index["name"] for index in sa.inspect(engine).get_indexes("ticket")}
        assert upgrade_schema(engine) == ("0014", SCHEMA_HEAD)
        assert "odoo_category" in _columns(engine) and "category" not in _columns(engine)
        assert {index["name"] for index in sa.inspect(engine).get_indexes("ticket")} == indexes
        store = Store(engine)
        with store.session() as session:
            [ticket] = session.exec(select(Ticket)).all()
            assert (ticket.ref, ticket.odoo_category) == ("HT00007", "Accounting")
        _alembic(engine, "downgrade", "0014")
        assert "category" in _columns(engine) and "odoo_category" not in _columns(engine)
        with engine.connect() as connection:
            assert connection.execute(sa.text(
                "SELECT category FROM ticket WHERE odoo_id = 7")).scalar_one() == "Accounting"
    finally:
        engine.dispose()
