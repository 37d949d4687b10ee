"""The "also affected" signals on SQLite and PostgreSQL: one per Slack event, counted per person,
decided once, attached to the ticket when the report reaches Odoo; migration 0011 -> 0012."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from hypercare.errors import UsageError
from hypercare.store import affected
from hypercare.store.engine import Store, create_store_engine
from hypercare.store.schema import MIGRATIONS_DIR, SCHEMA_HEAD, upgrade_schema
from hypercare.store.tables import AffectedSignal
from tests.store.conftest import BACKENDS

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)



def add(store: Store, event_key: str, *, who: str = "U1", who_name: str = "Ann",
        raised_id: int = 1, ticket: int | None = 7, minutes: int = 0,
        text: str = "same here") -> tuple[AffectedSignal, bool]:
    with store.session() as session:
        return affected.add_signal(raised_id=raised_id, ticket_odoo_id=ticket, who=who,
                                   who_name=who_name, text=text, event_key=event_key,
                                   at=NOW + timedelta(minutes=minutes), session=session)


def count(store: Store) -> int:
    with store.session() as session:
        return int(session.exec(select(func.count()).select_from(AffectedSignal)).one())


def test_a_retried_event_is_one_signal(store: Store) -> None:
    first, new = add(store, "Ev1")
    again, new_again = add(store, "Ev1", text="retried by Slack", minutes=1)
    assert new and not new_again
    assert again.id == first.id
    assert again.text == "same here" and again.created_at == NOW
    assert first.state == "held" and first.decided_by == "" and first.decided_at is None
    assert count(store) == 1


def test_a_racing_retry_keeps_the_callers_transaction(store: Store,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry's read missed the row another delivery committed: the insert fails on the
    unique key inside a savepoint, the stored row comes back, and the caller's other work
    in that transaction is kept."""
    stored, _ = add(store, "Ev1")
    real = affected._by_event_key
    misses: list[str] = []

    def lookup(event_key: str, *, session: Session) -> AffectedSignal | None:
        if event_key in misses:  # the first read, before the other delivery committed
            misses.remove(event_key)
            return None
        return real(event_key, session=session)

    monkeypatch.setattr(affected, "_by_event_key", lookup)
    with store.session() as session:
        _, other_new = affected.add_signal(
            raised_id=2, ticket_odoo_id=8, who="U2", who_name="Bob", text="me too",
            event_key="Ev2", at=NOW, session=session)
        misses.append("Ev1")
        raced, raced_new = affected.add_signal(
            raised_id=1, ticket_odoo_id=7, who="U1", who_name="Ann", text="again",
            event_key="Ev1", at=NOW, session=session)
    assert other_new and not raced_new and not misses
    assert raced.id == stored.id and raced.text == "same here"
    with store.session() as session:
        keys = [s.event_key for s in affected.signals(session=session)]
    assert keys == ["Ev1", "Ev2"]


def test_summary_counts_distinct_people_in_first_signal_order(store: Store) -> None:
    add(store, "a", who="U2", who_name="Bob", minutes=1)
    add(store, "b", who="U1", who_name="Ann", minutes=2)
    add(store, "c", who="U2", who_name="Bob (renamed)", minutes=3)  # Bob again: one person
    add(store, "d", who="U3", who_name="", minutes=4)  # no display name: the Slack id
    add(store, "e", who="U4", who_name="Cy", ticket=8)
    add(store, "f", who="U5", who_name="Dee", ticket=None, raised_id=3)  # not in Odoo yet
    with store.session() as session:
        signal = affected.signals(ticket_odoo_ids=[8], session=session)[0]
        assert signal.id is not None
        affected.decide_signal(signal.id, state="dismissed", by="lead", at=NOW, session=session)
    with store.session() as session:
        summary = affected.signal_summary([7, 8, 9], session=session)
        assert affected.signal_summary([], session=session) == {}
    assert summary == {7: (3, ("Bob", "Ann", "U3")), 8: (1, ("Cy",))}  # any state counts


def test_signals_filter_by_ticket_report_and_state_oldest_first(store: Store) -> None:
    add(store, "late", minutes=5)
    add(store, "early", minutes=-5)
    add(store, "other report", raised_id=2, ticket=8)
    add(store, "no ticket", raised_id=3, ticket=None)
    with store.session() as session:
        decided = affected.signals(ticket_odoo_ids=[8], session=session)[0]
        assert decided.id is not None
        affected.decide_signal(decided.id, state="sent", by="lead", at=NOW, session=session)

    def keys(ticket_odoo_ids: list[int] | None = None, raised_ids: list[int] | None = None,
             states: tuple[str, ...] = ("held",)) -> list[str]:
        with store.session() as session:
            return [s.event_key for s in affected.signals(
                ticket_odoo_ids=ticket_odoo_ids, raised_ids=raised_ids, states=states,
                session=session)]

    assert keys() == ["early", "no ticket", "late"]
    assert keys(ticket_odoo_ids=[7, 8]) == ["early", "late"]
    assert keys(ticket_odoo_ids=[7, 8], states=("held", "sent")) == [
        "early", "other report", "late"]
    assert keys(raised_ids=[3]) == ["no ticket"]
    assert keys(raised_ids=[1], ticket_odoo_ids=[8]) == []
    assert keys(ticket_odoo_ids=[]) == []
    assert keys(states=("sent",)) == ["other report"]


def test_a_signal_is_decided_once(store: Store) -> None:
    signal, _ = add(store, "Ev1")
    assert signal.id is not None
    later = NOW + timedelta(hours=1)
    with store.session() as session:
        sent = affected.decide_signal(signal.id, state="sent", by="U_LEAD", at=later,
                                      session=session)
        assert (sent.state, sent.decided_by, sent.decided_at) == ("sent", "U_LEAD", later)
        with pytest.raises(UsageError, match="already sent by U_LEAD"):  # same session
            affected.decide_signal(signal.id, state="dismissed", by="U_OTHER", at=later,
                                   session=session)
    with store.session() as session, pytest.raises(UsageError) as info:  # a later session
        affected.decide_signal(signal.id, state="sent", by="U_OTHER", at=later,
                               session=session)
    assert "already sent" in info.value.message and "held" in info.value.hint
    with store.session() as session:
        kept = affected.get_signal(signal.id, session=session)
        assert kept is not None
        assert (kept.state, kept.decided_by, kept.decided_at) == ("sent", "U_LEAD", later)
        assert affected.get_signal(signal.id + 100, session=session) is None
        with pytest.raises(UsageError, match="no affected signal"):
            affected.decide_signal(signal.id + 100, state="sent", by="U_LEAD", at=later,
                                   session=session)


def test_a_decision_is_sent_or_dismissed(store: Store) -> None:
    signal, _ = add(store, "Ev1")
    assert signal.id is not None
    with store.session() as session, pytest.raises(UsageError) as info:
        affected.decide_signal(signal.id, state="held", by="U_LEAD", at=NOW, session=session)
    assert "sent or dismissed" in info.value.hint
    with store.session() as session:
        dismissed = affected.decide_signal(signal.id, state="dismissed", by="U_LEAD", at=NOW,
                                           session=session)
    assert dismissed.state == "dismissed"


def test_attach_ticket_fills_only_the_reports_signals_without_one(store: Store) -> None:
    add(store, "a", raised_id=1, ticket=None)
    add(store, "b", raised_id=1, ticket=None, who="U2", who_name="Bob")
    add(store, "c", raised_id=1, ticket=5)  # already known: left alone
    add(store, "d", raised_id=2, ticket=None)
    with store.session() as session:
        assert affected.attach_ticket(raised_id=1, ticket_odoo_id=9, session=session) == 2
        assert affected.attach_ticket(raised_id=1, ticket_odoo_id=9, session=session) == 0
    with store.session() as session:
        tickets = {s.event_key: s.ticket_odoo_id for s in affected.signals(session=session)}
        summary = affected.signal_summary([9], session=session)
    assert tickets == {"a": 9, "b": 9, "c": 5, "d": None}
    assert summary == {9: (2, ("Ann", "Bob"))}


# -- migration --------------------------------------------------------------------------------


def _alembic(engine: Engine, action: str, revision: str) -> None:
    """Run Alembic ``upgrade`` or ``downgrade`` to ``revision`` on ``engine`` the way
    ``schema.upgrade_schema`` hands it a connection."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
        connection.commit()


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_0011_creates_the_table(backend: str,
                                             request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = create_store_engine(url)
    try:
        _alembic(engine, "upgrade", "0011")
        assert "affected_signal" not in sa.inspect(engine).get_table_names()
        assert upgrade_schema(engine) == ("0011", SCHEMA_HEAD)

        inspector = sa.inspect(engine)
        columns = {c["name"]: c for c in inspector.get_columns("affected_signal")}
        assert set(columns) == {"id", "raised_id", "ticket_odoo_id", "who", "who_name", "text",
                                "event_key", "created_at", "state", "decided_by", "decided_at"}
        assert columns["ticket_odoo_id"]["nullable"] and columns["decided_at"]["nullable"]
        assert not columns["created_at"]["nullable"]
        indexes = {i["name"]: i for i in inspector.get_indexes("affected_signal")}
        assert {"ix_affected_signal_raised_id", "ix_affected_signal_ticket_odoo_id"} <= set(
            indexes)
        unique = [u["column_names"] for u in inspector.get_unique_constraints("affected_signal")]
        assert ["event_key"] in unique

        store = Store(engine)
        add(store, "Ev1")
        assert add(store, "Ev1")[1] is False
        assert count(store) == 1

        _alembic(engine, "downgrade", "0011")
        assert "affected_signal" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
